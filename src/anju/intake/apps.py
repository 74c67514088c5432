from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "anju.intake"
    label = "intake"
    verbose_name = _("诉求受理")

    def ready(self):
        from anju.core.roles import contribute
        from anju.intake.permissions import PERMISSIONS

        contribute(self.label, PERMISSIONS)

        from anju.intake.triaging import register_training_source

        register_training_source()

        from anju.core import worker_passes
        from anju.intake.actions import triage_backlog

        worker_passes.register("intake.triage", triage_backlog)
