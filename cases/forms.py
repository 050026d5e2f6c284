from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cases.identity import check_kk, check_nik
from cases.models import Case, Person
from cases.services import FUTURE_VISIT, MAX_VISIT_PHOTOS, STAGE_ORDER, PersonInput
from napiter.forms import StyledFormMixin
from napiter.regions.forms import RegionField
from napiter.uploads import ImageUploadField, MultipleImageField


class PersonRegistrationForm(StyledFormMixin, forms.Form):
    """Registration by a caseworker; the service re-checks every rule, the form says it next to the field."""

    field_check_url = "cases:person-check"

    category = forms.ChoiceField(label="Kategori", choices=Person.Category.choices)
    full_name = forms.CharField(label="Nama lengkap (sesuai KTP)", max_length=200)
    aliases = forms.CharField(label="Nama alias (pisahkan dengan koma)", max_length=500, required=False)
    nik = forms.CharField(label="NIK", max_length=24, required=False, help_text="16 digit, sesuai KTP/KK.")
    sex = forms.ChoiceField(label="Jenis kelamin", choices=Person.Sex.choices, widget=forms.RadioSelect)
    birth_place = forms.CharField(label="Tempat lahir", max_length=100, required=False)
    birth_date = forms.DateField(label="Tanggal lahir", widget=forms.DateInput(attrs={"type": "date"}))
    kk = forms.CharField(label="Nomor KK", max_length=24, required=False)
    relation_to_head = forms.ChoiceField(
        label="Hubungan dengan kepala keluarga", choices=[("", "—"), *Person.Relation.choices], required=False
    )
    domicile_region = RegionField(label="Domisili (desa/kelurahan)")
    address = forms.CharField(label="Alamat (jalan, RT/RW)", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    phone = forms.CharField(label="Telepon", max_length=20, required=False)
    legal_basis = forms.ChoiceField(label="Dasar hukum pemrosesan data", choices=Person.LegalBasis.choices)
    consent_date = forms.DateField(
        label="Tanggal persetujuan", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("nik"):
            check = check_nik(data["nik"], sex=data.get("sex"), birth_date=data.get("birth_date"))
            for message in check.errors:
                self.add_error("nik", message)
            self.field_warnings["nik"] = check.warnings
        if data.get("kk"):
            for message in check_kk(data["kk"]).errors:
                self.add_error("kk", message)
        if data.get("legal_basis") == Person.LegalBasis.CONSENT and not data.get("consent_date"):
            self.add_error("consent_date", "Isi tanggal persetujuan bila dasar pemrosesan adalah persetujuan.")
        if data.get("kk") and not data.get("relation_to_head"):
            self.add_error("relation_to_head", "Pilih hubungan dengan kepala keluarga untuk anggota KK.")
        return data

    def to_input(self) -> PersonInput:
        d = self.cleaned_data
        return PersonInput(
            category=d["category"], full_name=d["full_name"], sex=d["sex"], birth_date=d["birth_date"],
            domicile_region=d["domicile_region"], legal_basis=d["legal_basis"], nik=d.get("nik") or "",
            kk=d.get("kk") or "", aliases=tuple((d.get("aliases") or "").split(",")),
            birth_place=d.get("birth_place") or "", address=d.get("address") or "", phone=d.get("phone") or "",
            relation_to_head=d.get("relation_to_head") or "", consent_date=d.get("consent_date"),
        )  # fmt: skip


class CaseOpenForm(StyledFormMixin, forms.Form):
    approach = forms.ChoiceField(label="Pendekatan layanan", choices=Case.Approach.choices)
    goals = forms.CharField(label="Tujuan rencana layanan", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CaseTransitionForm(StyledFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label="Pindah ke tahap", choices=[(s.value, s.label) for s in STAGE_ORDER])
    note = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CaseCloseForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label="Alasan penutupan", choices=Case.ClosureReason.choices)
    note = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class VisitForm(StyledFormMixin, forms.Form):
    field_check_url = "cases:visit-check"

    visited_on = forms.DateField(label="Tanggal kunjungan", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="Tempat", max_length=200)
    findings = forms.CharField(label="Temuan", widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleImageField(
        label="Foto kunjungan", required=False, max_files=MAX_VISIT_PHOTOS,
        help_text=f"JPEG, PNG atau WebP; paling banyak {MAX_VISIT_PHOTOS} foto.",
    )  # fmt: skip

    def clean_visited_on(self) -> dt.date:
        visited_on: dt.date = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(FUTURE_VISIT)
        return visited_on


class PersonPhotoForm(StyledFormMixin, forms.Form):
    photo = ImageUploadField(label="Foto", help_text="JPEG, PNG atau WebP. Data lokasi dalam foto dihapus.")


class NoteForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    is_intelligence = forms.BooleanField(label="Catatan intelijen (terbatas)", required=False)


class CasePlanForm(StyledFormMixin, forms.Form):
    goals = forms.CharField(label="Tujuan rencana layanan", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    atensi_planned = forms.MultipleChoiceField(
        label="Komponen ATENSI direncanakan", choices=Case.AtensiComponent.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    atensi_given = forms.MultipleChoiceField(
        label="Komponen ATENSI sudah diberikan", choices=Case.AtensiComponent.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
