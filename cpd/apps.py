from django.apps import AppConfig


class CpdConfig(AppConfig):
    name = "cpd"
    label = "cpd"
    verbose_name = "CPD credits and certificates"
