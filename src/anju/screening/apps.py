from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "anju.screening"
    label = "screening"
    verbose_name = _("排查")

    def ready(self):
        from anju.core.roles import contribute
        from anju.screening.permissions import PERMISSIONS

        contribute(self.label, PERMISSIONS)
