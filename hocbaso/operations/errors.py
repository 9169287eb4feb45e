"""The one error family of backup and restore; the commands print it on one line."""

from __future__ import annotations


class OperationsError(Exception):
    """A backup or restore that cannot go on; nothing has been written."""

    code = "OPERATIONS_ERROR"


class BackupFileError(OperationsError):
    """The backup file is unreadable, altered or not a hocbaso backup."""

    code = "BACKUP_INVALID"


class RestoreRefusedError(OperationsError):
    """The restore would overwrite data or a key without being told to."""

    code = "RESTORE_REFUSED"


class DatabaseToolError(OperationsError):
    """The database's own tool (sqlite3, pg_dump, pg_restore) failed."""

    code = "DATABASE_TOOL_FAILED"


class RestoredLedgerError(OperationsError):
    """The restored ledger does not verify or contradicts a published checkpoint."""

    code = "RESTORED_LEDGER_INVALID"
    committed = False  # True once PostgreSQL's restore has committed
