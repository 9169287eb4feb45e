"""The scoping every admin page of the records stands on: the change list, the object
pages (an object outside the scope is "not found", whatever its URL) and the choices of
every foreign key are limited to the user's scope (``records.scope``), and every list
and row read writes a ``StaffEvent`` (personal data: docs/security.md, "Who may do
what"); ``admin_read`` lets the layers above add their own trail (the portal's, for
transcripts). ``ReadOnlyMixin`` is for the rows only the actions write.

The other packages' admins (the registry's, the imports') build on these classes
through ``records.admin``.
"""

from __future__ import annotations

from django.contrib import admin
from django.dispatch import Signal

from hocbaso.records import appointing
from hocbaso.records.models import StaffEventType
from hocbaso.records.scope import filter_for, is_scoped

RelatedOnly = admin.RelatedOnlyFieldListFilter

# Sent after a list or a row of the admin was shown: sender the model, with
# ``request`` and ``objects`` (the rows shown).
admin_read = Signal()
# Rows per list page whose ids go into the audit row (a page shows at most 100).
_AUDITED_IDS = 100


class ScopedAdminMixin:
    """Limit an admin (or inline) to the rows and choices in the user's scope."""

    # Foreign keys that name *another* school on purpose (where a transferred
    # student came from) choose among every school: a school's name and code
    # are public, and the receiving school must be able to name the sender.
    unscoped_foreign_keys = frozenset({"source_school"})

    def get_queryset(self, request):
        return filter_for(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            field is not None
            and db_field.name not in self.unscoped_foreign_keys
            and is_scoped(db_field.related_model)
        ):
            field.queryset = filter_for(request.user, field.queryset)
        return field

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            shown = list(changelist.result_list)
            self._audit_read(
                request,
                StaffEventType.ADMIN_LIST,
                shown,
                {"query": dict(request.GET.lists()), "count": len(shown)},
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if original is not None and request.method == "GET":
            self._audit_read(request, StaffEventType.ADMIN_VIEW, [original], {})
        return response

    def _audit_read(self, request, action, shown, detail) -> None:
        model = self.model
        appointing.staff_event(
            request.user,
            action,
            object_type=model._meta.label_lower,
            object_id=str(shown[0].pk) if action == StaffEventType.ADMIN_VIEW else "",
            detail={**detail, "ids": [row.pk for row in shown[:_AUDITED_IDS]]},
        )
        admin_read.send(sender=model, request=request, objects=shown)


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0


class ReadOnlyMixin:
    """Rows only the actions write: shown, never added or changed by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
