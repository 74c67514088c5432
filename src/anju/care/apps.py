from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "anju.care"
    label = "care"
    verbose_name = _("关心关爱")

    def ready(self):
        from anju.care.permissions import PERMISSIONS
        from anju.core.roles import contribute

        contribute(self.label, PERMISSIONS)
