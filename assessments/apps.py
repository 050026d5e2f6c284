from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Asesmen"

    def ready(self) -> None:
        from assessments import kinds  # noqa: F401 - registers the `laporan_asesmen` document kind
