from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "Bantuan"

    def ready(self) -> None:
        from assistance import kinds  # noqa: F401 - registers the `bast` document kind
