from django.urls import path

from hocbaso.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.home, name="home"),
    path("templates/students/", views.students_template, name="students_template"),
    path("templates/class/<int:pk>/", views.class_template, name="class_template"),
]
