from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers. An app only so that its migration creates the database cache table
    the shared cache falls back to (echo_hub/lib/cache.py)."""

    name = "echo_hub.lib"
    label = "echo_lib"
    verbose_name = "Shared helpers"
