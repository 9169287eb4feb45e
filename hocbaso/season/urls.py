from django.urls import path

from hocbaso.season import views

app_name = "season"

urlpatterns = [
    path("export/", views.export_start, name="export"),
    path("<str:public_id>/", views.job_page, name="job"),
    path("<str:public_id>/download/", views.job_download, name="download"),
]
