"""python -m hocbaso.verifier FILE …: the same as the hocbaso-verify script."""

from hocbaso.verifier.cli import run

run()
