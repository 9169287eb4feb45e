"""What the commands write for a school is readable by its owner only."""

from __future__ import annotations

import os
import stat

from django.core.management import call_command


def test_a_class_template_is_written_owner_only(world, tmp_path):
    out = tmp_path / "lop.xlsx"
    out.write_bytes(b"")
    out.chmod(0o644)
    old = os.umask(0o022)
    try:
        call_command(
            "import-template",
            "class",
            "--school",
            "TH-A",
            "--year",
            world.year.name,
            "--class",
            "4A1",
            "-o",
            str(out),
        )
    finally:
        os.umask(old)
    assert out.stat().st_size > 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
