"""PostgreSQL-only tests of the engine: collected only when DATABASE_URL points at
PostgreSQL (several worker processes on one SQLite test database cannot be had;
nothing is skipped, the modules are simply not collected on SQLite)."""

import os

_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres", "pgsql"))
collect_ignore_glob = [] if _POSTGRES else ["test_*.py"]
