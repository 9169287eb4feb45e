from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenConfig(AppConfig):
    name = "hocbaso.portal.citizen"
    label = "citizen"
    verbose_name = _("Students and parents")

    def ready(self) -> None:
        # A trail shorter than the database's floor is bad configuration: stop at
        # start-up, not at the first retention run (docs/privacy.md).
        from hocbaso.portal.citizen import retention

        retention.access_years()
