"""PostgreSQL-only tests: collected only when DATABASE_URL points at PostgreSQL.

They need committed data seen by several connections at once (threads), which the
SQLite test database cannot give; hocbaso/registry/tests/test_races.py plays the
same races step by step on both databases. Nothing here is ever skipped: on SQLite
the modules are simply not collected.
"""

import os

_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres", "pgsql"))
collect_ignore_glob = [] if _POSTGRES else ["test_*.py"]
