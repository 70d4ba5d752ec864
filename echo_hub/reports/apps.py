from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "echo_hub.reports"
    label = "reports"
    verbose_name = "Program reports"
