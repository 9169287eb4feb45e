"""The administration site: for the department's administrators only.

Staff work in the product's pages, where every action is the audited one the
role is meant to take; the admin edits rows directly, so it opens only to a
department administrator of a year that counts, or a superuser
(``permissions.is_department_admin``). Any other signed-in member of staff who
opens ``/admin/`` is sent to their work page. Its login shares the staff login's
failure throttle.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.shortcuts import redirect

from hocbaso.records.permissions import is_department_admin
from hocbaso.web.forms import AdminLoginForm
from hocbaso.web.navigation import work_url


class HocbasoAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def has_permission(self, request) -> bool:
        return is_department_admin(request.user)

    def _elsewhere(self, request):
        """The work page of a signed-in user the admin is not for, else None."""
        user = request.user
        if (
            user.is_authenticated
            and user.is_active
            and not self.has_permission(request)
        ):
            return redirect(work_url(request))
        return None

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.resolver_match and request.resolver_match.url_name == "logout":
                return inner(request, *args, **kwargs)
            return self._elsewhere(request) or inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        return self._elsewhere(request) or super().login(request, extra_context)


def audit_transcript_reads(sender, request, objects, **kwargs) -> None:
    """A transcript (or yearly record) opened in the admin joins the portal's trail.

    The student sees it in their access list like any other reading; lists are
    in the records' staff trail (``StaffEvent``) only.
    """
    from hocbaso.portal import purposes
    from hocbaso.portal.audit import record_access
    from hocbaso.portal.models import AccessAction
    from hocbaso.records.models import Transcript, YearlyRecord

    if len(objects) != 1 or sender not in (Transcript, YearlyRecord):
        return
    row = objects[0]
    transcript = row if isinstance(row, Transcript) else row.transcript
    record_access(
        request,
        action=AccessAction.VIEW,
        transcript=transcript,
        purpose=purposes.ADMIN,
        detail={
            "model": sender._meta.label_lower,
            "id": row.pk,
            "purpose": purposes.ADMIN,
        },
    )
