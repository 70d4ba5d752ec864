from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers. An app for its migrations: the table of the database cache."""

    name = "echo_hub.lib"
    label = "echo_lib"
    verbose_name = "Shared helpers"
