"""The Django admin of the school records, every page limited to the user's scope.

The site opens only to the department's administrators (``hocbaso.web.admin_site``);
staff work in the product's pages. The scoping and the audit of every read are in
``admin_scope`` (docs/security.md, "Who may do what"); the registrations are in
``admin_organisations`` (organisations, people, appointments, certificates) and
``admin_transcripts`` (students, transcripts, yearly records). Django's autodiscovery
imports this module, which imports both, and the other packages' admins take their
base classes and the ``admin_read`` signal from here.
"""

from __future__ import annotations

from hocbaso.records import admin_organisations, admin_transcripts
from hocbaso.records.admin_scope import (
    ReadOnlyMixin,
    ScopedAdmin,
    ScopedAdminMixin,
    ScopedTabularInline,
    admin_read,
)

__all__ = [
    "ReadOnlyMixin",
    "ScopedAdmin",
    "ScopedAdminMixin",
    "ScopedTabularInline",
    "admin_organisations",
    "admin_read",
    "admin_transcripts",
]
