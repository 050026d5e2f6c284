from __future__ import annotations

from typing import Any

from rest_framework import serializers

from napiter.regions.models import Region
from sinergi.models import (
    ActionPlan,
    Addendum,
    AddendumItem,
    Ministry,
    MinistryUnit,
    RealisationReport,
    ReviewComment,
)


class MinistryUnitSerializer(serializers.ModelSerializer[MinistryUnit]):
    class Meta:
        model = MinistryUnit
        fields = ["id", "name", "echelon"]
        read_only_fields = fields


class MinistrySerializer(serializers.ModelSerializer[Ministry]):
    units = MinistryUnitSerializer(many=True, read_only=True)

    class Meta:
        model = Ministry
        fields = ["id", "code", "name", "short_name", "active", "units"]
        read_only_fields = fields


class ReviewCommentSerializer(serializers.ModelSerializer[ReviewComment]):
    author = serializers.CharField(source="author.get_full_name", read_only=True)

    class Meta:
        model = ReviewComment
        fields = ["text", "author", "created_at"]
        read_only_fields = fields


class ActionPlanSerializer(serializers.ModelSerializer[ActionPlan]):
    ministry = serializers.CharField(source="ministry.code", read_only=True)
    comments = ReviewCommentSerializer(many=True, read_only=True)
    target_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id", "ministry", "unit", "year", "title", "description", "plan_type", "category", "province",
            "regency", "village", "target_mitra", "target_families", "target_victims", "target_total", "budget",
            "funding_source", "start_on", "end_on", "output_indicator", "output_target", "output_unit", "pillar",
            "status", "agreement", "comments",
        ]  # fmt: skip
        read_only_fields = fields


class ActionPlanWriteSerializer(serializers.Serializer[dict[str, Any]]):
    """The plan's fields as the planner sends them; the model's rules run in the service."""

    # Any unit id parses; ActionPlan.clean() refuses a unit of another K/L than the planner's.
    unit = serializers.PrimaryKeyRelatedField(queryset=MinistryUnit.objects.select_related("ministry"))
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=250)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    plan_type = serializers.ChoiceField(choices=ActionPlan.PlanType.choices)
    category = serializers.ChoiceField(choices=ActionPlan.Category.choices)
    province = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level=Region.Level.PROVINCE))
    regency = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level=Region.Level.REGENCY), required=False, allow_null=True
    )
    village = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level=Region.Level.VILLAGE), required=False, allow_null=True
    )
    target_mitra = serializers.IntegerField(min_value=0, default=0)
    target_families = serializers.IntegerField(min_value=0, default=0)
    target_victims = serializers.IntegerField(min_value=0, default=0)
    budget = serializers.DecimalField(max_digits=16, decimal_places=0, min_value=0)
    funding_source = serializers.ChoiceField(choices=ActionPlan.FundingSource.choices)
    start_on = serializers.DateField()
    end_on = serializers.DateField()
    output_indicator = serializers.CharField(max_length=250)
    output_target = serializers.DecimalField(max_digits=12, decimal_places=2)
    output_unit = serializers.CharField(max_length=40)
    pillar = serializers.ChoiceField(choices=ActionPlan.Pillar.choices)


class ReviewSerializer(serializers.Serializer[dict[str, Any]]):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class RealisationSerializer(serializers.ModelSerializer[RealisationReport]):
    was_late = serializers.BooleanField(read_only=True)
    due_on = serializers.DateField(read_only=True)

    class Meta:
        model = RealisationReport
        fields = [
            "id", "quarter", "progress_percent", "output_achieved", "budget_spent", "beneficiaries_reached",
            "narrative", "reported_at", "due_on", "was_late",
        ]  # fmt: skip
        read_only_fields = ["id", "reported_at", "due_on", "was_late"]


class AddendumChangeSerializer(serializers.Serializer[dict[str, Any]]):
    field = serializers.CharField(read_only=True)
    field_label = serializers.CharField(source="label", read_only=True)
    old = serializers.JSONField(read_only=True)
    new = serializers.JSONField(read_only=True)
    old_display = serializers.CharField(read_only=True)
    new_display = serializers.CharField(read_only=True)


class AddendumItemSerializer(serializers.ModelSerializer[AddendumItem]):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    changes = AddendumChangeSerializer(many=True, read_only=True)

    class Meta:
        model = AddendumItem
        fields = ["plan", "plan_title", "reason", "changes"]
        read_only_fields = fields


class AddendumSerializer(serializers.ModelSerializer[Addendum]):
    ministry = serializers.CharField(source="agreement.ministry.code", read_only=True)
    year = serializers.IntegerField(source="agreement.year", read_only=True)
    agreement_number = serializers.CharField(
        source="agreement.document.number", read_only=True, default=None, allow_null=True
    )
    document_number = serializers.CharField(source="document.number", read_only=True, default=None, allow_null=True)
    document_status = serializers.CharField(source="document.status", read_only=True, default=None, allow_null=True)
    items = AddendumItemSerializer(many=True, read_only=True)

    class Meta:
        model = Addendum
        fields = [
            "id", "agreement", "ministry", "year", "agreement_number", "sequence", "status", "document",
            "document_number", "document_status", "proposed_at", "reviewed_at", "review_comment", "applied_at",
            "items",
        ]  # fmt: skip
        read_only_fields = fields


class PlanChangeSerializer(serializers.Serializer[dict[str, Any]]):
    """One plan's change: new values by field name, as `action-plans` shows them (ids of related rows, ISO dates,
    numbers); the service checks each field and the plan with its new values."""

    plan = serializers.IntegerField()
    changes = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class AddendumWriteSerializer(serializers.Serializer[dict[str, Any]]):
    items = PlanChangeSerializer(many=True, allow_empty=True)
