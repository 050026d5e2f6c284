from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.models import PeriodicReport
from dashboards.periods import MONTHLY, Period, period_of
from napiter.forms import StyledFormMixin


class PeriodForm(StyledFormMixin, forms.Form):
    """The dashboard's period: the month, quarter or year containing a chosen day."""

    periode = forms.ChoiceField(label=_("Periode"), choices=PeriodicReport.Kind.choices, required=False)
    tanggal = forms.DateField(
        label=_("Tanggal dalam periode"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def period(self, today: dt.date) -> Period:
        if not self.is_valid():
            return period_of(MONTHLY, today)
        return period_of(self.cleaned_data["periode"] or MONTHLY, self.cleaned_data["tanggal"] or today)


class ReportCreateForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Jenis periode"), choices=PeriodicReport.Kind.choices)
    day = forms.DateField(
        label=_("Tanggal dalam periode"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class NarrativeForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Ringkasan pelaksanaan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    obstacles = forms.CharField(label=_("Kendala"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(
        label=_("Rencana tindak lanjut"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
