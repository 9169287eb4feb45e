"""The import audit trail in the admin: read-only, within the user's scope."""

from __future__ import annotations

from django.contrib import admin

from hocbaso.imports.models import ImportRun
from hocbaso.records.admin import ScopedAdmin


@admin.register(ImportRun)
class ImportRunAdmin(ScopedAdmin):
    list_display = (
        "at",
        "school",
        "actor_label",
        "file_name",
        "outcome",
        "problem_count",
    )
    list_filter = ("outcome",)
    search_fields = ("file_name", "file_sha256", "actor_label", "school__code")
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ImportRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
