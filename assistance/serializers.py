"""Explicit API shapes for programmes, grants and monitoring visits."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assistance.models import MONITORING_MONTHS, Grant, GrantItem, MonitoringVisit, Programme
from assistance.services import ItemInput, VisitInput
from cases.models import Person
from napiter.api import QueryIntegerField


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    office = serializers.CharField(source="office.name", read_only=True)
    agency = serializers.CharField(source="office.agency.name", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id", "name", "office", "agency", "form", "funding_source", "fiscal_year", "budget_ceiling",
            "unit_value_min", "unit_value_max", "eligible_categories", "max_decile",
        ]  # fmt: skip
        read_only_fields = fields


class GrantItemSerializer(serializers.ModelSerializer[GrantItem]):
    class Meta:
        model = GrantItem
        fields = ["name", "quantity", "unit", "unit_value", "total"]
        read_only_fields = fields


class GrantSerializer(serializers.ModelSerializer[Grant]):
    programme: serializers.PrimaryKeyRelatedField[Programme] = serializers.PrimaryKeyRelatedField(read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    person: serializers.PrimaryKeyRelatedField[Person] = serializers.PrimaryKeyRelatedField(read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    members = serializers.SerializerMethodField()
    office = serializers.CharField(source="office.name", read_only=True)
    items = GrantItemSerializer(many=True, read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id", "programme", "programme_name", "person", "person_name", "group_name", "members", "office",
            "status", "amount", "business_type", "checks", "checks_passed", "decree_number", "decree_date",
            "delivered_on", "supplier", "location", "reason", "items", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_members(self, grant: Grant) -> list[int]:
        return [m.person_id for m in grant.members.all()]


class GrantFilterSerializer(serializers.Serializer[Any]):
    """The grant list's query parameters: a value that is not one of them is refused, not ignored."""

    programme = QueryIntegerField(required=False, min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=Grant.Status.choices, required=False)
    region = serializers.RegexField(
        r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$",
        required=False,
        help_text="Kode wilayah Kemendagri (awalan), mis. 36 atau 36.73",
        error_messages={"invalid": "Kode wilayah tidak sah; contoh: 36 atau 36.73."},
    )
    year = QueryIntegerField(required=False, min_value=1945, max_value=9999, help_text="Tahun anggaran")
    registered_from = serializers.DateField(required=False, help_text="Diusulkan sejak (YYYY-MM-DD)")
    registered_to = serializers.DateField(required=False, help_text="Diusulkan sampai (YYYY-MM-DD)")
    delivered_from = serializers.DateField(required=False, help_text="Disalurkan sejak (YYYY-MM-DD)")
    delivered_to = serializers.DateField(required=False, help_text="Disalurkan sampai (YYYY-MM-DD)")


class GrantProposeSerializer(serializers.Serializer[Any]):
    programme = serializers.IntegerField()
    person = serializers.IntegerField()
    amount = serializers.IntegerField(min_value=1)
    business_type = serializers.CharField(max_length=200)
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    group_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    members = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class GrantApproveSerializer(serializers.Serializer[Any]):
    decree_number = serializers.CharField(max_length=100)
    decree_date = serializers.DateField()


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class ItemInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1)
    unit = serializers.CharField(max_length=30, required=False, default="unit")
    unit_value = serializers.IntegerField(min_value=0)

    def to_input(self, data: dict[str, Any]) -> ItemInput:
        return ItemInput(data["name"], data["quantity"], data["unit_value"], data["unit"])


class GrantDeliverSerializer(serializers.Serializer[Any]):
    delivered_on = serializers.DateField()
    items = ItemInputSerializer(many=True)
    supplier = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    kiosk_stock = serializers.CharField(required=False, allow_blank=True, default="")


class MonitoringVisitSerializer(serializers.ModelSerializer[MonitoringVisit]):
    month = serializers.ChoiceField(choices=MONITORING_MONTHS)

    class Meta:
        model = MonitoringVisit
        fields = [
            "id", "month", "visited_on", "business_running", "monthly_revenue", "assets_present", "problems",
            "misuse", "alert",
        ]  # fmt: skip
        read_only_fields = ["id", "alert"]

    def to_input(self) -> VisitInput:
        d = self.validated_data
        return VisitInput(
            month=d["month"],
            visited_on=d["visited_on"],
            business_running=d["business_running"],
            assets_present=d["assets_present"],
            monthly_revenue=d.get("monthly_revenue", 0),
            problems=d.get("problems", ""),
            misuse=d.get("misuse", False),
        )
