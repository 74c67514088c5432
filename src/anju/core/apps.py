from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anju.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from anju.core import accounts

        accounts.connect_axes_signals()
