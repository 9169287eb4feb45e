from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "hocbaso.imports"
    label = "imports"
    verbose_name = _("Spreadsheet import")

    def ready(self) -> None:
        from hocbaso.imports.models import ImportRun
        from hocbaso.records import scope

        # An import is seen by the staff who see its school (records.scope).
        scope.register_scope(ImportRun, "school")
