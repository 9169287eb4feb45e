from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "hocbaso.notices"
    label = "notices"
    verbose_name = _("E-mail notices")

    def ready(self) -> None:
        from hocbaso.notices import receivers

        receivers.connect()
