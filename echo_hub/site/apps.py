from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: the dashboard, reports, demo data, sweeps and privacy actions that span
    apps. It may import every app; nothing imports it but the URL and settings wiring."""

    name = "echo_hub.site"
    label = "echo_site"
    verbose_name = "ECHO Hub"
