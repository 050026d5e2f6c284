"""Forms for referrals and transfers. The services re-check every rule; these only parse and label."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.models import Case, Referral
from cases.workflows import referral_office_choices, transfer_office_choices
from napiter.forms import StyledFormMixin
from napiter.regions.forms import RegionField

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ReferralForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Jenis rujukan", choices=Referral.Kind.choices)
    to_office = forms.ModelChoiceField(
        label="Kantor tujuan",
        queryset=referral_office_choices(),
        required=False,
        help_text="Untuk rujukan ke kantor lain dalam sistem; kantor itu dapat melihat data orang ini selama 90 hari.",
    )
    to_organisation = forms.CharField(
        label="Lembaga tujuan",
        max_length=200,
        required=False,
        help_text="Untuk rujukan ke LKS, instansi lain atau Sekolah Rakyat: nama lembaganya.",
    )
    reason = forms.CharField(label="Alasan rujukan", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    consent_given = forms.BooleanField(
        label="Yang bersangkutan (atau wali bagi anak) menyetujui rujukan ini", required=False
    )
    consent_by = forms.CharField(label="Persetujuan oleh", max_length=120, required=False)
    consent_date = forms.DateField(label="Tanggal persetujuan", required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_office"].queryset = referral_office_choices(exclude=case.office)  # type: ignore[attr-defined]
        if not case.person.is_child:  # Sekolah Rakyat takes children only
            kinds = [c for c in Referral.Kind.choices if c[0] != Referral.Kind.SEKOLAH_RAKYAT]
            self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class CaseActionForm(StyledFormMixin, forms.Form):
    """A decision posted from the case page's panel, about the case named in the URL."""

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def action_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the service's keyword arguments."""
        return dict(self.cleaned_data)


class ReferralRespondForm(CaseActionForm):
    referral = forms.ModelChoiceField(queryset=Referral.objects.none(), widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        label="Tanggapan",
        choices=[("1", "Terima"), ("0", "Tolak")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="Alasan (wajib bila menolak)", max_length=5000, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        # Only referrals of the case named in the URL: the case's scope check is the gate for all of them.
        self.fields["referral"].queryset = case.referrals.all()  # type: ignore[attr-defined]

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"referral_pk": d["referral"].pk, "accept": d["accept"], "note": d["note"]}


class ReferralCompleteForm(CaseActionForm):
    referral = forms.ModelChoiceField(queryset=Referral.objects.none(), widget=forms.HiddenInput)
    outcome = forms.CharField(label="Hasil rujukan", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["referral"].queryset = case.referrals.all()  # type: ignore[attr-defined]

    def action_kwargs(self) -> dict[str, Any]:
        return {"referral_pk": self.cleaned_data["referral"].pk, "outcome": self.cleaned_data["outcome"]}


class TransferRequestForm(StyledFormMixin, forms.Form):
    to_office = forms.ModelChoiceField(label="Kantor tujuan (Dinas Sosial)", queryset=transfer_office_choices())
    new_domicile = RegionField(
        label="Domisili baru (desa/kelurahan)",
        required=False,
        help_text="Kosongkan bila domisili sudah diperbarui dan berada di wilayah kantor tujuan.",
    )
    reason = forms.CharField(label="Alasan perpindahan", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_office"].queryset = transfer_office_choices(exclude=case.office)  # type: ignore[attr-defined]


class TransferDecisionForm(CaseActionForm):
    note = forms.CharField(label="Catatan", max_length=5000, required=False)
