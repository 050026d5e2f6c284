from django.apps import AppConfig


class SinergiConfig(AppConfig):
    name = "sinergi"
    verbose_name = "Sinergi K/L"
