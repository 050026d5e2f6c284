from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Orang dan kasus"

    def ready(self) -> None:
        from cases.services import case_can_be_opened
        from napiter import policy

        policy.register_condition("case.open", case_can_be_opened)
