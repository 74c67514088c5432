from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "anju.emergency"
    label = "emergency"
    verbose_name = _("应急管理")

    def ready(self):
        from anju.core.roles import contribute
        from anju.emergency.permissions import PERMISSIONS

        contribute(self.label, PERMISSIONS)
