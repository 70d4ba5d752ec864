from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "echo_hub.notifications"
    label = "notifications"
    verbose_name = "Notifications"
