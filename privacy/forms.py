from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from napiter.forms import StyledFormMixin
from privacy.models import BreachIncident, DataCategory, SubjectRequest
from privacy.selectors import data_categories
from privacy.services import BREACH_FIELDS, CATEGORY_FIELDS

_DATETIME = {"type": "datetime-local"}
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SubjectRequestForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Jenis permintaan"), choices=SubjectRequest.Kind.choices)
    requester_name = forms.CharField(
        label=_("Diajukan oleh"), max_length=200, help_text=_("Subjek data sendiri, atau wali untuk anak.")
    )
    details = forms.CharField(
        label=_("Isi permintaan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib untuk perbaikan dan penghapusan: data mana dan menjadi apa."),
    )
    received_at = forms.DateTimeField(
        label=_("Diterima"),
        required=False,
        widget=forms.DateTimeInput(attrs=_DATETIME, format=_DATETIME_FORMAT),
        help_text=_("Kosongkan bila diterima sekarang. Batas waktu 3x24 jam dihitung dari saat ini."),
    )


class CloseForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Hasil"),
        choices=[(SubjectRequest.Status.DONE, _("Selesai")), (SubjectRequest.Status.REFUSED, _("Ditolak"))],
    )
    resolution = forms.CharField(
        label=_("Penyelesaian atau alasan penolakan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DataCategoryForm(StyledFormMixin, forms.ModelForm[DataCategory]):
    class Meta:
        model = DataCategory
        fields = list(CATEGORY_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("data_items", "purpose", "legal_basis", "retention_action", "recipients")
        }


class HoldForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Alasan penahanan"), min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LiftForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"), min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BreachForm(StyledFormMixin, forms.ModelForm[BreachIncident]):
    categories = forms.ModelMultipleChoiceField(
        label=_("Kategori data"), queryset=DataCategory.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    class Meta:
        model = BreachIncident
        fields = list(BREACH_FIELDS)
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs=_DATETIME, format=_DATETIME_FORMAT),
            "discovered_at": forms.DateTimeInput(attrs=_DATETIME, format=_DATETIME_FORMAT),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("data_description", "how_discovered", "affected_description", "actions_taken")
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = data_categories()  # type: ignore[attr-defined]


class NotifiedForm(StyledFormMixin, forms.Form):
    notified_to = forms.CharField(
        label=_("Dikirim kepada"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mis. subjek data terdampak (surat), lembaga penyelenggara pelindungan data pribadi."),
    )
