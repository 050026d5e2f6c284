from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Orang dan kasus"

    def ready(self) -> None:
        from cases.models import Case, Person
        from cases.services import case_can_be_opened
        from napiter import policy
        from napiter.accounts.access import person_scope_q

        # People, and their cases, are reached through the territory scope of the action asked.
        policy.register_records(Person, lambda user, action, people: people.filter(person_scope_q(user, action=action)))
        policy.register_records(
            Case, lambda user, action, cases: cases.filter(person_scope_q(user, prefix="person__", action=action))
        )
        policy.register_condition("case.open", case_can_be_opened)
