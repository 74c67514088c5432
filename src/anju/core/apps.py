from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anju.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from anju.core import audit_guard, auth_audit

        connection_created.connect(
            audit_guard.register_sqlite_function, dispatch_uid="anju_audit_wipe_function"
        )
        post_migrate.connect(audit_guard.install_after_migrate, sender=self, dispatch_uid="anju_audit_guard")
        auth_audit.connect()
