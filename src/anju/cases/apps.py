from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "anju.cases"
    label = "cases"
    verbose_name = _("专案")

    def ready(self):
        from anju.cases.permissions import PERMISSIONS
        from anju.core.roles import contribute

        contribute(self.label, PERMISSIONS)
