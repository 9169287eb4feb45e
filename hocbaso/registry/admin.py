"""The registry's tables in the admin: read-only, each row within the user's scope.

Nothing is added, changed or deleted here: every change goes through
``actions`` (audited, in the ledger). The site opens to department administrators
only (``hocbaso.web.admin_site``); they see the rows of the schools in their scope
(scoping.py), and every list and row they read is audited (``records.admin``). The
ledger's tables hold no personal data.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hocbaso.records.admin import ScopedAdminMixin
from hocbaso.registry.api import admin as _tokens_admin  # noqa: F401 (registers)
from hocbaso.registry.models import (
    AuditEvent,
    LedgerCheckpoint,
    LedgerEntry,
    Receipt,
    RecordResult,
    RoundLock,
    SchoolRoundLock,
    Submission,
    Transfer,
    UnitReport,
)


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A scoped, read-only change list and detail page."""

    def has_module_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "school",
        "operation",
        "kind",
        "status",
        "record_count",
        "accepted_count",
        "rejected_count",
        "received_at",
    ]
    list_filter = ["status", "operation", "kind"]
    search_fields = ["public_id", "school__code"]
    list_select_related = ["school"]
    exclude = ["blob"]


@admin.register(RecordResult)
class RecordResultAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "position", "outcome", "duplicate", "codes"]
    list_filter = ["outcome"]
    search_fields = ["receipt__public_id"]
    list_select_related = ["receipt"]

    @admin.display(description=_("codes"))
    def codes(self, obj: RecordResult) -> str:
        return ", ".join(p["code"] for p in obj.problems)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "record",
        "school",
        "school_year",
        "round",
        "state",
        "accepted_at",
        "locked_at",
    ]
    list_filter = ["state", "round", "school_year"]
    search_fields = ["public_id", "school__code"]
    list_select_related = ["record__transcript__student", "school", "school_year"]
    exclude = ["blob"]


@admin.register(RoundLock)
class RoundLockAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "school_year",
        "round",
        "scope",
        "locked_at",
        "locked_count",
        "missing_count",
        "actor_label",
    ]
    list_filter = ["round", "scope", "school_year"]


@admin.register(SchoolRoundLock)
class SchoolRoundLockAdmin(ReadOnlyAdmin):
    list_display = [
        "school",
        "school_year",
        "round",
        "locked_at",
        "locked_count",
        "missing_count",
        "ledger_index",
    ]
    list_filter = ["round", "school_year"]
    list_select_related = ["school", "school_year"]


@admin.register(UnitReport)
class UnitReportAdmin(ReadOnlyAdmin):
    list_display = [
        "unit",
        "school_year",
        "round",
        "submitted_at",
        "deadline",
        "late",
        "actor_label",
    ]
    list_filter = ["round", "late", "school_year"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "transcript",
        "from_school",
        "to_school",
        "state",
        "requested_at",
        "acknowledged_at",
    ]
    list_filter = ["state"]
    list_select_related = ["transcript__student", "from_school", "to_school"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor_label", "object_type", "object_id", "school"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]
    list_select_related = ["school"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["index", "text"]

    @admin.display(description=_("entry"))
    def text(self, obj: LedgerEntry) -> str:
        return bytes(obj.data).decode("ascii", errors="replace")


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "created_at"]
    exclude = ["root"]
