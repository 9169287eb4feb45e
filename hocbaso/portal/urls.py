from django.urls import path
from django.views.generic import TemplateView

app_name = "portal"

# Placeholder home until the lookup page lands.
urlpatterns: list = [
    path("", TemplateView.as_view(template_name="base.html"), name="lookup"),
]
