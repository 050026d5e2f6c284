from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "napiter.audit"
    label = "audit"
    verbose_name = "Jejak audit"
