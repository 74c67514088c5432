from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "anju.reports"
    label = "reports"
    verbose_name = _("信息报送")

    def ready(self):
        from anju.core.roles import contribute
        from anju.reports.permissions import PERMISSIONS

        contribute(self.label, PERMISSIONS)
