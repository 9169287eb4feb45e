"""PostgreSQL-only tests of the notices: collected only when DATABASE_URL points at
PostgreSQL (two connections racing for one key cannot be had on the in-memory
SQLite test database; nothing is skipped, the modules are not collected there)."""

import os

_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres", "pgsql"))
collect_ignore_glob = [] if _POSTGRES else ["test_*.py"]
