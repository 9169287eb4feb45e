from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "hocbaso.web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
        from hocbaso.records.admin import admin_read
        from hocbaso.web.admin_site import audit_transcript_reads

        admin_read.connect(audit_transcript_reads)
