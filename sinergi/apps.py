from django.apps import AppConfig


class SinergiConfig(AppConfig):
    name = "sinergi"
    verbose_name = "Sinergi K/L"

    def ready(self) -> None:
        from napiter import policy
        from sinergi import kinds  # noqa: F401 - registers the `kesepakatan` document kind
        from sinergi.models import Ministry
        from sinergi.services import agreement_signatories_ready

        # The K/L themselves are reference data of the synergy team: every sinergi role sees them all.
        policy.register_records(Ministry, lambda user, action, ministries: ministries)
        policy.register_condition("agreement.create", agreement_signatories_ready)
