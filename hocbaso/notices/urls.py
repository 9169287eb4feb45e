from django.urls import path

from hocbaso.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.preferences, name="preferences"),
]
