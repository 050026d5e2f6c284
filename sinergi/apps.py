from django.apps import AppConfig


class SinergiConfig(AppConfig):
    name = "sinergi"
    verbose_name = "Sinergi K/L"

    def ready(self) -> None:
        from sinergi import kinds  # noqa: F401 - registers the `kesepakatan` document kind
