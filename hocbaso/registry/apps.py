from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "hocbaso.registry"
    label = "registry"
    verbose_name = _("Transcript registry")

    def ready(self) -> None:
        from hocbaso.registry import scoping

        scoping.register()
