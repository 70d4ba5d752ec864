from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "echo_hub.accounts"
    label = "accounts"
    verbose_name = "Accounts"
