from __future__ import annotations

from rest_framework import serializers

from privacy.models import DataCategory, SubjectRequest


class DataCategorySerializer(serializers.ModelSerializer[DataCategory]):
    class Meta:
        model = DataCategory
        fields = [
            "id", "code", "name", "data_items", "is_specific", "purpose", "legal_basis", "retention_years",
            "retention_action", "recipients", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class SubjectRequestSerializer(serializers.ModelSerializer[SubjectRequest]):
    """A request names its person by id only: the person's data is in the export, which is logged."""

    is_overdue = serializers.BooleanField(read_only=True)
    office = serializers.CharField(source="office.name", read_only=True)

    class Meta:
        model = SubjectRequest
        fields = [
            "id", "person", "kind", "requester_name", "details", "received_at", "due_at", "status", "resolution",
            "closed_at", "is_overdue", "office", "export_status", "exported_at",
        ]  # fmt: skip
        read_only_fields = fields


class SubjectRequestWriteSerializer(serializers.Serializer[SubjectRequest]):
    person = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=SubjectRequest.Kind.choices)
    requester_name = serializers.CharField(max_length=200)
    details = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
