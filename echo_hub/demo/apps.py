from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the benchmarks; it may use every app."""

    name = "echo_hub.demo"
    label = "demo"
    verbose_name = "Demo data"
