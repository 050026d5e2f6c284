from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from napiter.documents.kinds import KINDS, RECOMMENDATION_MAX_LENGTH, label_for
from napiter.documents.models import Document, DocumentSignature


class DocumentRequestSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(max_length=40, help_text="Jenis dokumen, mis. laporan_kasus.")
    subject_id = serializers.IntegerField(min_value=1, help_text="ID subjek; untuk laporan_kasus: ID kasus.")
    recommendation = serializers.CharField(
        required=False, allow_blank=True, max_length=RECOMMENDATION_MAX_LENGTH, help_text="Rekomendasi (opsional)."
    )

    def validate_kind(self, value: str) -> str:
        if value not in KINDS:
            raise serializers.ValidationError(
                f"Jenis dokumen '{value}' belum tersedia. Jenis yang tersedia: {', '.join(sorted(KINDS))}."
            )
        return value


class DocumentSignatureSerializer(serializers.ModelSerializer[DocumentSignature]):
    class Meta:
        model = DocumentSignature
        fields = ["order", "signer_name", "signer_position", "signer_office", "signed_at"]


class DocumentSerializer(serializers.ModelSerializer[Document]):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress = serializers.IntegerField(read_only=True)
    office = serializers.CharField(source="office.code", read_only=True)
    signatures = DocumentSignatureSerializer(many=True, read_only=True)
    verification_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id", "kind", "kind_label", "number", "status", "status_label", "progress", "error", "office",
            "subject_id", "requested_at", "rendered_at", "signed_at", "page_count", "sha256",
            "verification_code", "verification_url", "signatures", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_kind_label(self, document: Document) -> str:
        return label_for(document.kind)

    def get_verification_url(self, document: Document) -> str:
        from napiter.documents.rendering import verification_url

        return verification_url(document)

    def get_download_url(self, document: Document) -> str | None:
        if document.status != Document.Status.SIGNED:
            return None
        path = reverse("document-download", kwargs={"pk": document.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DocumentDetailSerializer(DocumentSerializer):
    subject_label = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "subject_label"]
        read_only_fields = fields

    def get_subject_label(self, document: Document) -> str | None:
        from napiter.documents.selectors import document_subject_label

        request = self.context["request"]
        return document_subject_label(request.user, document)
