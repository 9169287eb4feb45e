"""URL configuration of hocbaso."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

import hocbaso.exchange.routes  # adds the exchange's router to the API
import hocbaso.portal.api  # adds the portal's router to the API
import hocbaso.portal.citizen.api  # noqa: F401  (adds the share-code API router)
from hocbaso.registry.api import api
from hocbaso.web.forms import LoginForm
from hocbaso.web.views import work

admin.site.site_header = _("Digital school transcripts")
admin.site.site_title = _("Digital school transcripts")
admin.site.index_title = _("Transcript administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("staff/", include("hocbaso.records.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("work/", work, name="work"),
    path("me/notices/", include("hocbaso.notices.urls")),
    path("me/", include("hocbaso.portal.citizen.urls")),
    path("school/", include("hocbaso.school.urls")),
    path("rollout/", include("hocbaso.rollout.urls")),
    path("import/", include("hocbaso.imports.urls")),
    path("exchange/", include("hocbaso.exchange.urls")),
    path("jobs/", include("hocbaso.season.urls")),
    path("season/", include("hocbaso.season.deadline_urls")),
    path("guide/", include("hocbaso.web.urls")),
    path("", include("hocbaso.portal.urls")),
]
