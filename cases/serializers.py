from __future__ import annotations

from rest_framework import serializers

from cases.masking import SENSITIVE_FIELDS, mask_number
from cases.models import Case, Household, Person, Visit
from cases.services import PersonInput
from napiter.accounts.models import User
from napiter.regions.models import Region


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A person as the API shows it: NIK always masked; revealing is a separate, logged action."""

    nik = serializers.SerializerMethodField(help_text="NIK tersamar, mis. 3273********0001")
    domicile_region = serializers.CharField(source="domicile_region_id", read_only=True)
    is_child = serializers.BooleanField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id", "category", "full_name", "nik", "birth_date", "sex", "domicile_region", "status", "is_child",
        ]  # fmt: skip
        read_only_fields = fields

    def get_nik(self, person: Person) -> str:
        return mask_number(person.nik or "")


class RevealRequestSerializer(serializers.Serializer[dict[str, object]]):
    # The API calls them "fields"; DRF's metaclass moves declared fields off the class, so the name is safe.
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=sorted(SENSITIVE_FIELDS)), allow_empty=False, max_length=10
    )
    reason = serializers.CharField(max_length=500)


class RevealResponseSerializer(serializers.Serializer[dict[str, str]]):
    nik = serializers.CharField(required=False)
    kk = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)


class PersonCreateSerializer(serializers.Serializer[dict[str, object]]):
    """Registration through the API: the same rules as the form, checked by the same service."""

    category = serializers.ChoiceField(choices=Person.Category.choices)
    full_name = serializers.CharField(max_length=200)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=20)
    nik = serializers.CharField(max_length=24, required=False, allow_blank=True)
    kk = serializers.CharField(max_length=24, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Person.Sex.choices)
    birth_place = serializers.CharField(max_length=100, required=False, allow_blank=True)
    birth_date = serializers.DateField()
    domicile_region = serializers.CharField(max_length=13, help_text="Kode desa/kelurahan, mis. 36.73.01.1002")
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    relation_to_head = serializers.ChoiceField(choices=Person.Relation.choices, required=False, allow_blank=True)
    legal_basis = serializers.ChoiceField(choices=Person.LegalBasis.choices)
    consent_date = serializers.DateField(required=False, allow_null=True)

    def validate_domicile_region(self, value: str) -> Region:
        code = value if "." in value else ".".join(p for p in (value[0:2], value[2:4], value[4:6], value[6:10]) if p)
        region = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
        if region is None:
            raise serializers.ValidationError("Kode desa/kelurahan tidak dikenal.")
        return region

    def to_input(self) -> PersonInput:
        d = self.validated_data
        return PersonInput(
            category=d["category"], full_name=d["full_name"], sex=d["sex"], birth_date=d["birth_date"],
            domicile_region=d["domicile_region"], legal_basis=d["legal_basis"], nik=d.get("nik", ""),
            kk=d.get("kk", ""), aliases=tuple(d.get("aliases", ())), birth_place=d.get("birth_place", ""),
            address=d.get("address", ""), phone=d.get("phone", ""), relation_to_head=d.get("relation_to_head", ""),
            consent_date=d.get("consent_date"),
        )  # fmt: skip


class CaseSerializer(serializers.ModelSerializer[Case]):
    person: serializers.PrimaryKeyRelatedField[Person] = serializers.PrimaryKeyRelatedField(read_only=True)
    office = serializers.CharField(source="office.code", read_only=True)
    caseworker = serializers.CharField(source="caseworker.username", read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id", "person", "office", "caseworker", "stage", "approach", "goals", "opened_on", "next_review_on",
            "closed_on", "closure_reason",
        ]  # fmt: skip
        read_only_fields = fields


class CaseOpenSerializer(serializers.Serializer[dict[str, object]]):
    person = serializers.IntegerField()
    approach = serializers.ChoiceField(choices=Case.Approach.choices)
    goals = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CaseTransitionSerializer(serializers.Serializer[dict[str, object]]):
    to_stage = serializers.ChoiceField(choices=Case.Stage.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CaseCloseSerializer(serializers.Serializer[dict[str, object]]):
    reason = serializers.ChoiceField(choices=Case.ClosureReason.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class VisitSerializer(serializers.ModelSerializer[Visit]):
    visited_by = serializers.CharField(source="visited_by.username", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "visited_on", "place", "findings", "visited_by"]
        read_only_fields = ["id", "visited_by"]


class CaseAssignSerializer(serializers.Serializer[dict[str, object]]):
    caseworker = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))


class HouseholdSerializer(serializers.ModelSerializer[Household]):
    kk = serializers.SerializerMethodField(help_text="Nomor KK tersamar")
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True)
    members = serializers.SerializerMethodField(help_text="ID anggota keluarga yang dapat Anda lihat")

    class Meta:
        model = Household
        fields = ["id", "kk", "region", "members"]
        read_only_fields = fields

    def get_kk(self, household: Household) -> str:
        return mask_number(household.kk)

    def get_members(self, household: Household) -> list[int]:
        return [p.pk for p in getattr(household, "visible_members", [])]
