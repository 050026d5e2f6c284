from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, InstrumentVersion
from assistance.models import Programme
from napiter.forms import StyledFormMixin

MISSING = "x"


class AssessmentStartForm(StyledFormMixin, forms.Form):
    version = forms.ModelChoiceField(label=_("Instrumen"), queryset=InstrumentVersion.objects.none(), empty_label=None)
    purpose = forms.ChoiceField(label=_("Tujuan"), choices=Assessment.Purpose.choices)
    assessed_on = forms.DateField(
        label=_("Tanggal asesmen"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]


class AssessmentFieldsForm(StyledFormMixin, forms.Form):
    """The descriptive part of the fill page; the item ratings are read from `rating_<code>` inputs."""

    assessed_on = forms.DateField(
        label=_("Tanggal asesmen"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    purpose = forms.ChoiceField(label=_("Tujuan"), choices=Assessment.Purpose.choices)
    sources = forms.CharField(
        label=_("Sumber informasi"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wawancara, keluarga, pendamping, berkas Lapas, dan lain-lain."),
    )  # fmt: skip
    judged_band = forms.ChoiceField(label=_("Penilaian akhir asesor"), required=False)
    judgement_reason = forms.CharField(
        label=_("Alasan bila berbeda dari tingkat terhitung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recommendation = forms.ChoiceField(
        label=_("Rekomendasi"), required=False, choices=[("", "—"), *Assessment.Recommendation.choices]
    )
    aid_eligible = forms.NullBooleanField(
        label=_("Layak bantuan"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    recommendation_notes = forms.CharField(
        label=_("Catatan rekomendasi"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, version: InstrumentVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judged_band"].choices = [  # type: ignore[attr-defined]
            ("", _("Ikuti tingkat terhitung")),
            *((b.code, b.label) for b in version.bands.all()),
        ]


class EffectFilterForm(StyledFormMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Program"), queryset=Programme.objects.none(), required=False, empty_label=_("Semua program")
    )
    region = forms.RegexField(
        label=_("Kode wilayah"), regex=r"^\d{2}(\.\d{2}){0,3}$", required=False,
        help_text=_("Provinsi (36) atau kabupaten/kota (36.73); kosong: seluruh wilayah kerja."),
    )  # fmt: skip
    year = forms.IntegerField(label=_("Tahun penyaluran"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
