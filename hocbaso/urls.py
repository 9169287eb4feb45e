"""URL configuration of hocbaso."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from hocbaso.registry.api import api

admin.site.site_header = _("Digital school transcripts")
admin.site.site_title = _("Digital school transcripts")
admin.site.index_title = _("Transcript administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
