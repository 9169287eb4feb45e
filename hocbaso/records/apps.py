from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "hocbaso.records"
    label = "records"
    verbose_name = _("School records")

    def ready(self) -> None:
        from hocbaso.records.management import speak_the_project_language

        speak_the_project_language()
