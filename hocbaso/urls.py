"""URL configuration of hocbaso."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Học bạ số"
admin.site.site_title = "Học bạ số"
admin.site.index_title = "Quản trị học bạ số"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
