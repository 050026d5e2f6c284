"""Filters over the audit log, shared by the auditor's pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from napiter.accounts.models import Office, User
from napiter.audit.models import AccessEvent, ChangeEvent


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # ids are whole numbers; NumberFilter would accept 1.5


def _start_of_day(day: dt.date) -> dt.datetime:
    # Days are the auditor's calendar days, in the active time zone, not UTC days.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _offices(request: HttpRequest | None) -> QuerySet[Office]:
    return Office.objects.order_by("name")


class _DayRange(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="Dari tanggal", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="Sampai tanggal", widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter_date_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__gte=_start_of_day(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__lt=_start_of_day(value + dt.timedelta(days=1)))


class _AccessEventBase(django_filters.FilterSet):
    person = IntegerFilter(field_name="person_id", label="ID orang")
    user = django_filters.CharFilter(method="filter_user", label="Pengguna (nama pengguna atau ID)")
    action = django_filters.ChoiceFilter(choices=AccessEvent.Action.choices, label="Tindakan", empty_label="Semua")

    def filter_user(self, queryset: QuerySet[AccessEvent], name: str, value: str) -> QuerySet[AccessEvent]:
        # The username recorded at the time, so renamed and deleted accounts are still found by it.
        value = value.strip()
        match = Q(username=value)
        if value.isdigit():
            match |= Q(user_id=int(value))
        return queryset.filter(match)


class AccessEventFilter(_AccessEventBase):
    """API: `person`, `user` (username or id), `office` (id), `action`, `after` and `before` (ISO 8601)."""

    office = IntegerFilter(field_name="office_id", label="ID kantor")
    after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label="Sejak (ISO 8601)")
    before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt", label="Sebelum (ISO 8601)")

    class Meta:
        model = AccessEvent
        fields = ["person", "user", "office", "action", "after", "before"]


class AccessEventPageFilter(_AccessEventBase, _DayRange):
    """The auditor's page: the same filters, with an office list and calendar days."""

    office = django_filters.ModelChoiceFilter(
        queryset=_offices, method="filter_office", label="Kantor", empty_label="Semua kantor"
    )

    class Meta:
        model = AccessEvent
        fields = ["person", "user", "office", "action", "date_from", "date_to"]

    def filter_office(self, queryset: QuerySet[AccessEvent], name: str, value: Office) -> QuerySet[AccessEvent]:
        return queryset.filter(office_id=value.pk)


class ChangeEventPageFilter(_DayRange):
    table = django_filters.CharFilter(field_name="table_name", label="Tabel")
    row = django_filters.CharFilter(field_name="row_pk", label="Kunci baris")
    user = django_filters.CharFilter(method="filter_user", label="Pengguna (nama pengguna atau ID)")
    operation = django_filters.ChoiceFilter(choices=ChangeEvent.Operation.choices, label="Operasi", empty_label="Semua")

    class Meta:
        model = ChangeEvent
        fields = ["table", "row", "user", "operation", "date_from", "date_to"]

    def filter_user(self, queryset: QuerySet[ChangeEvent], name: str, value: str) -> QuerySet[ChangeEvent]:
        # The trigger records only the id; a username is looked up among current accounts.
        value = value.strip()
        match = Q(user_id__in=User.objects.filter(username=value).values("pk"))
        if value.isdigit():
            match |= Q(user_id=int(value))
        return queryset.filter(match)
