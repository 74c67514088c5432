from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "anju.matters"
    label = "matters"
    verbose_name = _("事项台账")

    def ready(self):
        from anju.core.roles import contribute
        from anju.matters.permissions import PERMISSIONS

        contribute(self.label, PERMISSIONS)
