from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "napiter.documents"
    label = "documents"
    verbose_name = "Dokumen"
    default_auto_field = "django.db.models.BigAutoField"
