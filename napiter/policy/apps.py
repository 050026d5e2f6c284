from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "napiter.policy"
    label = "policy"
    verbose_name = "Kebijakan akses"
