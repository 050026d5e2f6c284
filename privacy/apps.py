from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Pelindungan data pribadi"

    def ready(self) -> None:
        from privacy import kinds  # noqa: F401 - registers the ROPA, subject access and breach letter kinds
