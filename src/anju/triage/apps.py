from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "anju.triage"
    label = "triage"
    verbose_name = _("智能分拣")

    def ready(self):
        from anju.core.roles import contribute
        from anju.triage.permissions import PERMISSIONS

        contribute(self.label, PERMISSIONS)
