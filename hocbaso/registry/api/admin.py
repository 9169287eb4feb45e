"""The schools' API tokens in the admin: administrators issue and revoke them.

Superusers only (issuing a school's credential is the operator's job). Like every
registry table here the list is read-only: a token is issued on its own page, which
calls ``tokens.issue_token`` and shows the full token once (it is never stored and never
travels in a message cookie), and revoked by an admin action. Rows are never edited
or deleted, so the audit trail's "token:<school>:<prefix>" always names one.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hocbaso.registry.api import tokens
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.models import ApiToken


class IssueTokenForm(forms.Form):
    school = forms.CharField(label=_("School code"), max_length=20)
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for.")
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "school",
        "name",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "school__code", "school__name"]
    list_select_related = ["school"]
    actions = ["revoke_tokens"]
    exclude = ["secret_sha256"]
    change_list_template = "registry/api_token_change_list.html"

    def has_module_permission(self, request) -> bool:
        user = getattr(request, "user", None)
        return bool(user and user.is_active and user.is_superuser)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False  # issued on the issue page, never added as a plain row

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        issue = self.admin_site.admin_view(self.issue_view)
        return [
            path("issue/", issue, name="registry_apitoken_issue"),
            *super().get_urls(),
        ]

    def issue_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        form = IssueTokenForm(request.POST or None)
        issued = None
        if request.method == "POST" and form.is_valid():
            issued = self._issue(request, form)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Issue an API token"),
            "opts": self.opts,
            "form": form,
            "issued": issued,
        }
        return TemplateResponse(request, "registry/api_token_issue.html", context)

    @staticmethod
    def _issue(request, form) -> tokens.IssuedToken | None:
        try:
            return tokens.issue_token(
                form.cleaned_data["school"],
                form.cleaned_data["name"],
                created_by=request.user,
                label=f"user:{request.user.get_username()}",
            )
        except RegistryError as exc:
            form.add_error("school", str(exc))
            return None

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request, queryset) -> None:
        label = f"user:{request.user.get_username()}"
        rows = list(queryset.filter(revoked_at__isnull=True))
        for row in rows:
            tokens.revoke_token(row.prefix, by=request.user, label=label)
        self.message_user(
            request,
            ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", len(rows))
            % {"n": len(rows)},
            messages.SUCCESS,
        )
