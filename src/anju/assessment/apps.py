from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "anju.assessment"
    label = "assessment"
    verbose_name = "社会稳定风险评估"

    def ready(self):
        from anju.assessment.permissions import PERMISSIONS
        from anju.core.roles import contribute

        contribute(self.label, PERMISSIONS)
