"""The user guide's pages and screenshots (hocbaso.web.guide)."""

from django.urls import path

from hocbaso.web import guide

app_name = "guide"

urlpatterns = [
    path("", guide.index, name="index"),
    path("<slug:name>/", guide.page, name="page"),
    path("<slug:name>/img/<str:filename>", guide.image, name="image"),
]
