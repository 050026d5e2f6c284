from django.apps import AppConfig


class SinergiConfig(AppConfig):
    name = "sinergi"
    verbose_name = "Sinergi K/L"

    def ready(self) -> None:
        from napiter import policy
        from sinergi import kinds  # noqa: F401 - registers the `kesepakatan` document kind
        from sinergi.services import agreement_signatories_ready

        policy.register_condition("agreement.create", agreement_signatories_ready)
