from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dasbor dan laporan periodik"

    def ready(self) -> None:
        from dashboards import kinds  # noqa: F401 - registers the `laporan_periodik` document kind
