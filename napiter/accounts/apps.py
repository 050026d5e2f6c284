from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "napiter.accounts"
    label = "accounts"
    verbose_name = "Akun dan kantor"
