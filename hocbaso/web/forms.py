"""The staff login forms, with the failure throttle (throttle.py)."""

from __future__ import annotations

import math

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from hocbaso.web import throttle


class ThrottledLoginMixin:
    """Refuse while blocked, count each failure, clear the account on success."""

    throttled = ""  # the refusal's sentence, shown by the login page

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        keys = throttle.keys_for(self.request, username)
        until = throttle.blocked_until(keys)
        if until is not None:
            minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
            self.throttled = gettext(
                "Too many failed logins for this account or from this "
                "computer. Try again in %(minutes)d minutes."
            ) % {"minutes": minutes}
            raise ValidationError(self.throttled, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(keys)
            raise
        throttle.clear_account(username)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
