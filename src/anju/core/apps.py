from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender, using="default", **kwargs):
    """The database cache's table comes with every migrate (anju migrate, serve, demo and the tests)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "anju.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from django.db.backends.signals import connection_created

        from anju.core import accounts, audit_chain, audit_guard, auth_audit, worker_passes

        accounts.connect_axes_signals()
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="anju.core.cache_table")
        connection_created.connect(
            audit_guard.register_sqlite_function, dispatch_uid="anju_audit_wipe_function"
        )
        post_migrate.connect(audit_guard.install_after_migrate, sender=self, dispatch_uid="anju_audit_guard")
        auth_audit.connect()
        from django.db.models.signals import post_delete, post_save

        from anju.core.area_choices import tree_changed
        from anju.core.models import Area

        # the area pickers' kept choices (core/area_choices.py) follow the tree
        post_save.connect(tree_changed, sender=Area, dispatch_uid="anju.core.area_tree_saved")
        post_delete.connect(tree_changed, sender=Area, dispatch_uid="anju.core.area_tree_deleted")
        # Events whose process died between its commit and the link: each worker turn links them.
        worker_passes.register("audit.link", audit_chain.link_pending)
