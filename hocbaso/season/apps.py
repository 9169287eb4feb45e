from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeasonConfig(AppConfig):
    name = "hocbaso.season"
    label = "season"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from hocbaso.season import signals

        signals.connect()
