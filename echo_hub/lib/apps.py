from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class LibConfig(AppConfig):
    """Shared helpers. An app for its tables: the database cache the shared cache falls back
    to (echo_hub/lib/cache.py) and the page cache's content version (echo_hub/lib/pagecache.py),
    whose write watcher it installs on every database connection."""

    name = "echo_hub.lib"
    label = "echo_lib"
    verbose_name = "Shared helpers"

    def ready(self) -> None:
        from . import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="pagecache-install")
        pre_migrate.connect(pagecache.pause_watching, dispatch_uid="pagecache-pause")
        post_migrate.connect(pagecache.after_migrate, sender=self, dispatch_uid="pagecache-migrated")
        setting_changed.connect(pagecache.settings_changed, dispatch_uid="pagecache-settings")
