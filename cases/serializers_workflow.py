"""API shapes for referrals and transfers: explicit fields, offices by their register code."""

from __future__ import annotations

from rest_framework import serializers

from cases.models import Referral, Transfer
from cases.workflows import referral_office_choices, transfer_office_choices
from napiter.regions.models import Region


class ReferralCreateSerializer(serializers.Serializer[dict[str, object]]):
    kind = serializers.ChoiceField(choices=Referral.Kind.choices)
    to_office = serializers.SlugRelatedField(
        slug_field="code", queryset=referral_office_choices(), required=False, allow_null=True,
        help_text="Kode kantor tujuan (rujukan ke kantor lain), mis. DINSOS-KTM.",
    )  # fmt: skip
    to_organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=5000)
    consent_given = serializers.BooleanField()
    consent_by = serializers.CharField(max_length=120, allow_blank=True)
    consent_date = serializers.DateField(allow_null=True)


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    to_office = serializers.CharField(source="to_office.code", read_only=True, allow_null=True)
    referred_by = serializers.CharField(source="referred_by.username", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id", "case", "kind", "to_office", "to_organisation", "reason", "consent_given", "consent_by",
            "consent_date", "status", "outcome", "access_until", "referred_by", "referred_at", "responded_at",
        ]  # fmt: skip
        read_only_fields = fields


class TransferRequestSerializer(serializers.Serializer[dict[str, object]]):
    to_office = serializers.SlugRelatedField(
        slug_field="code", queryset=transfer_office_choices(), help_text="Kode Dinas Sosial tujuan, mis. DINSOS-KTM."
    )
    new_domicile = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.filter(level=Region.Level.VILLAGE), required=False,
        allow_null=True, help_text="Kode desa/kelurahan domisili baru, mis. 64.72.01.1001.",
    )  # fmt: skip
    reason = serializers.CharField(max_length=5000)


class TransferDecisionSerializer(serializers.Serializer[dict[str, object]]):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    from_office = serializers.CharField(source="from_office.code", read_only=True)
    to_office = serializers.CharField(source="to_office.code", read_only=True)
    new_domicile = serializers.CharField(source="new_domicile_id", read_only=True, allow_null=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Transfer
        fields = [
            "id", "case", "from_office", "to_office", "new_domicile", "reason", "status", "requested_by",
            "requested_at", "decided_by", "decided_at", "decision_note",
        ]  # fmt: skip
        read_only_fields = fields
