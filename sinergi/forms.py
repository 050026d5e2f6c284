from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from napiter.forms import StyledFormMixin
from napiter.regions.models import Region
from sinergi.models import ActionPlan, Ministry, MinistryUnit, RealisationReport
from sinergi.services import EDITABLE_FIELDS


class ActionPlanForm(StyledFormMixin, forms.ModelForm[ActionPlan]):
    """The plan's fields; the service validates again under its lock and its errors come back onto the
    fields. The form never saves: views pass `cleaned_data` to the service."""

    village = forms.ModelChoiceField(
        queryset=Region.objects.filter(level=Region.Level.VILLAGE),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "36.04.01.2001"}),
        label=_("Kode desa/kelurahan"),
    )

    class Meta:
        model = ActionPlan
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "start_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, ministry: Ministry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = MinistryUnit.objects.filter(ministry=ministry)  # type: ignore[attr-defined]
        self.fields["province"].queryset = Region.objects.filter(level=Region.Level.PROVINCE)  # type: ignore[attr-defined]
        for name in ("target_mitra", "target_families", "target_victims"):
            self.fields[name].required = False
        self.fields["regency"].queryset = Region.objects.filter(level=Region.Level.REGENCY)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("target_mitra", "target_families", "target_victims"):
            if cleaned.get(name) is None:
                cleaned[name] = 0
        return cleaned


class ReturnForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Catatan perbaikan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AgreementForm(StyledFormMixin, forms.Form):
    ministry = forms.ModelChoiceField(queryset=Ministry.objects.filter(active=True), label=_("K/L"))
    year = forms.IntegerField(label=_("Tahun"), min_value=2020, max_value=2100)


class RealisationForm(StyledFormMixin, forms.ModelForm[RealisationReport]):
    class Meta:
        model = RealisationReport
        fields = [
            "quarter", "progress_percent", "output_achieved", "budget_spent", "beneficiaries_reached", "narrative",
            "evidence",
        ]  # fmt: skip
        widgets = {"narrative": forms.Textarea(attrs={"rows": 2})}


class AddendumPlanForm(ActionPlanForm):
    """One frozen plan as it was agreed, to change in place: the fields changed and the reason become this plan's
    part of the addendum. The year stays as agreed; the form never saves."""

    reason = forms.CharField(
        label=_("Alasan perubahan"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=True
    )

    def __init__(self, *args: Any, ministry: Ministry, **kwargs: Any) -> None:
        super().__init__(*args, ministry=ministry, **kwargs)
        self.fields["year"].disabled = True

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in EDITABLE_FIELDS}
