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
        from anju.core import accounts

        accounts.connect_axes_signals()
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="anju.core.cache_table")
