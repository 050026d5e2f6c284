from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from napiter.documents.models import Document, DocumentRegister, DocumentSignature


class DocumentSignatureInline(admin.TabularInline[DocumentSignature, Document]):
    model = DocumentSignature
    extra = 0
    can_delete = False
    fields = ("order", "signer_name", "signer_position", "signed_at", "certificate_subject", "certificate_serial")
    readonly_fields = (
        "order",
        "signer_name",
        "signer_position",
        "signed_at",
        "certificate_subject",
        "certificate_serial",
    )

    def has_add_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    """Read-only: documents change only through the pipeline's services (and its audit trail)."""

    list_display = ["number", "kind", "office", "status", "requested_at", "render_attempts"]
    list_filter = ["status", "kind", "office"]
    search_fields = ["number", "verification_code"]
    list_select_related = ["office"]
    exclude = ["inputs"]
    inlines = [DocumentSignatureInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False


@admin.register(DocumentRegister)
class DocumentRegisterAdmin(admin.ModelAdmin[DocumentRegister]):
    list_display = ["office", "prefix", "year", "last_number"]
    list_filter = ["year", "prefix"]
    list_select_related = ["office"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DocumentRegister | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DocumentRegister | None = None) -> bool:
        return False
