"""Django's admin with hocbaso's site (admin_site.py), named in INSTALLED_APPS.

Kept apart from admin_site.py: an app config is imported before the models are
ready, and the site imports them.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "hocbaso.web.admin_site.HocbasoAdminSite"
