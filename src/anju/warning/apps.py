from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningConfig(AppConfig):
    name = "anju.warning"
    label = "warning"
    verbose_name = _("监测预警")

    def ready(self):
        from anju.core.roles import contribute
        from anju.warning.permissions import PERMISSIONS

        contribute(self.label, PERMISSIONS)
