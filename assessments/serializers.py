from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assessments.models import Assessment, Band, Domain, InstrumentVersion, Item, Rating, RatingScale
from napiter.api import QueryIntegerField


class BandSerializer(serializers.ModelSerializer[Band]):
    class Meta:
        model = Band
        fields = ["code", "label", "min_score", "rank", "review_months"]


class ItemSerializer(serializers.ModelSerializer[Item]):
    scale: serializers.SlugRelatedField[RatingScale] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    options = serializers.JSONField(source="scale.options", read_only=True)

    class Meta:
        model = Item
        fields = ["code", "text", "help_text", "scale", "options", "weight"]


class DomainSerializer(serializers.ModelSerializer[Domain]):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Domain
        fields = ["code", "name", "items"]


class InstrumentVersionSerializer(serializers.ModelSerializer[InstrumentVersion]):
    code = serializers.CharField(source="instrument.code", read_only=True)
    name = serializers.CharField(source="instrument.name", read_only=True)
    domains = DomainSerializer(many=True, read_only=True)
    bands = BandSerializer(many=True, read_only=True)

    class Meta:
        model = InstrumentVersion
        fields = ["id", "code", "name", "number", "method", "max_missing", "status", "domains", "bands"]


class InstrumentImportSerializer(serializers.Serializer[dict[str, Any]]):
    document = serializers.JSONField(help_text="Dokumen instrumen (lihat ekspor untuk bentuknya).")


class RatingSerializer(serializers.ModelSerializer[Rating]):
    item = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = Rating
        fields = ["item", "value", "missing", "evidence"]


class RatingInputSerializer(serializers.Serializer[dict[str, Any]]):
    item = serializers.CharField()
    value = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    missing = serializers.BooleanField(default=False)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    """What every reader of assessments sees: level, date, recommendation; no item ratings."""

    instrument = serializers.CharField(source="version.instrument.name", read_only=True)
    instrument_version = serializers.IntegerField(source="version.number", read_only=True)
    assessor = serializers.CharField(source="assessor.get_full_name", read_only=True)
    level = serializers.CharField(source="level.label", read_only=True, default=None, allow_null=True)
    computed_level = serializers.CharField(source="computed_band.label", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "person", "instrument", "instrument_version", "assessor", "assessed_on", "purpose", "status",
            "level", "computed_level", "recommendation", "aid_eligible", "next_review_on", "version_number",
            "amends", "second_opinion_of", "submitted_at",
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentDetailSerializer(AssessmentSerializer):
    """For asesor and supervisor roles: the score, item ratings and the assessor's reasoning."""

    ratings = RatingSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields, "sources", "score", "max_score", "missing_count",
            "judgement_reason", "recommendation_notes", "ratings",
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentReadSerializer(AssessmentSerializer):
    """The documented answer of GET /assessments/{id}/: the fields every reader gets, and, only for roles that
    may see item scores (see `_detail` in api.py), the fields of AssessmentDetailSerializer, optional here."""

    sources = serializers.CharField(required=False)
    score = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    missing_count = serializers.IntegerField(required=False)
    judgement_reason = serializers.CharField(required=False)
    recommendation_notes = serializers.CharField(required=False)
    ratings = RatingSerializer(many=True, required=False)

    class Meta(AssessmentSerializer.Meta):
        fields = AssessmentDetailSerializer.Meta.fields
        read_only_fields = AssessmentSerializer.Meta.fields


class AssessmentFilterSerializer(serializers.Serializer[dict[str, Any]]):
    """The list's query parameters: a value that is not one of them is refused, not ignored."""

    person = QueryIntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text="Hanya asesmen orang ini.")


class AssessmentStartSerializer(serializers.Serializer[dict[str, Any]]):
    person = serializers.IntegerField()
    version = serializers.IntegerField(help_text="ID versi instrumen (lihat /instruments/).")
    purpose = serializers.ChoiceField(choices=Assessment.Purpose.choices)
    assessed_on = serializers.DateField()
    sources = serializers.CharField(required=False, allow_blank=True, default="")
    second_opinion_of = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentSaveSerializer(serializers.Serializer[dict[str, Any]]):
    """Autosave of a draft: any subset of the fields and ratings."""

    ratings = RatingInputSerializer(many=True, required=False)
    assessed_on = serializers.DateField(required=False)
    purpose = serializers.ChoiceField(choices=Assessment.Purpose.choices, required=False)
    sources = serializers.CharField(required=False, allow_blank=True)
    judged_band = serializers.CharField(required=False, allow_blank=True, help_text="Kode tingkat, kosong = tidak ada")
    judgement_reason = serializers.CharField(required=False, allow_blank=True)
    recommendation = serializers.ChoiceField(choices=Assessment.Recommendation.choices, required=False)
    aid_eligible = serializers.BooleanField(required=False, allow_null=True)
    recommendation_notes = serializers.CharField(required=False, allow_blank=True)


class TrajectoryPointSerializer(serializers.Serializer[dict[str, Any]]):
    date = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.CharField()
    level_rank = serializers.IntegerField(allow_null=True)
    domain_scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2))


class TrajectorySerializer(serializers.Serializer[dict[str, Any]]):
    person = serializers.IntegerField()
    name = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    points = TrajectoryPointSerializer(many=True)
