"""The rollout dashboards at /rollout/: department → unit → school → class."""

from django.urls import path

from hocbaso.rollout import difficulty_views, readiness_views, results_views, views

app_name = "rollout"

urlpatterns = [
    path("", views.home, name="home"),
    path("department/<str:code>/", views.department, name="department"),
    path(
        "department/<str:code>/export/",
        views.department_export,
        name="department_export",
    ),
    path(
        "department/<str:code>/results/",
        results_views.department_results,
        name="department_results",
    ),
    path(
        "department/<str:code>/results/export/",
        results_views.department_results_export,
        name="department_results_export",
    ),
    path("unit/<str:code>/", views.unit, name="unit"),
    path("unit/<str:code>/results/", results_views.unit_results, name="unit_results"),
    path(
        "unit/<str:code>/results/export/",
        results_views.unit_results_export,
        name="unit_results_export",
    ),
    path("unit/<str:code>/export/", views.unit_export, name="unit_export"),
    path("unit/<str:code>/report/", views.unit_report, name="unit_report"),
    path("school/<str:code>/", views.school, name="school"),
    path("school/<str:code>/export/", views.school_export, name="school_export"),
    path(
        "department/<str:code>/readiness/",
        readiness_views.department_readiness,
        name="department_readiness",
    ),
    path(
        "unit/<str:code>/readiness/",
        readiness_views.unit_readiness,
        name="unit_readiness",
    ),
    path(
        "school/<str:code>/readiness/",
        readiness_views.school_readiness,
        name="school_readiness",
    ),
    path("difficulties/", difficulty_views.difficulty_list, name="difficulties"),
    path("difficulties/<int:pk>/", difficulty_views.difficulty, name="difficulty"),
    path(
        "school/<str:code>/difficulties/new/",
        difficulty_views.difficulty_new,
        name="difficulty_new",
    ),
    path(
        "school/<str:code>/class/<int:class_id>/",
        views.school_class,
        name="class",
    ),
    path(
        "school/<str:code>/class/<int:class_id>/export/",
        views.class_export,
        name="class_export",
    ),
]
