"""The pages where the level above appoints staff and registers their certificates."""

from django.urls import path

from hocbaso.records import views

app_name = "records"
urlpatterns = [
    path("appointments/", views.appointments, name="appointments"),
    path(
        "appointments/<int:pk>/remove/",
        views.remove_appointment,
        name="remove-appointment",
    ),
    path("certificates/", views.certificates, name="certificates"),
]
