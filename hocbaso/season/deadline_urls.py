"""The department's rounds, deadlines and locks, under ``/season/``."""

from django.urls import path

from hocbaso.season import deadline_views

app_name = "deadlines"

urlpatterns = [
    path("", deadline_views.home, name="home"),
    path("lock/", deadline_views.lock, name="lock"),
    path("deadline/", deadline_views.move, name="move"),
]
