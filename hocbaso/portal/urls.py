from django.urls import path

from hocbaso.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("tai-ban-sao/", views.download, name="download"),
    path("xac-minh/", views.verify, name="verify"),
    path("can-bo/hoc-ba/", views.staff_list, name="staff-list"),
    path("can-bo/hoc-ba/<int:pk>/", views.staff_transcript, name="staff-transcript"),
    path(
        "can-bo/hoc-ba/<int:pk>/ban-sao/",
        views.staff_download,
        name="staff-download",
    ),
    path("so/nhat-ky/", views.audit, name="audit"),
]
