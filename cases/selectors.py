from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Upper
from django.http import Http404
from django.utils import timezone

from cases.identity import normalize_number
from cases.models import (
    Case,
    CaseNote,
    CaseStageChange,
    Household,
    IncidentInvolvement,
    Person,
    PersonQuerySet,
    Referral,
    Transfer,
    Visit,
)
from napiter import policy
from napiter.accounts.access import person_scope_q
from napiter.accounts.models import User


def people_visible_to(user: User) -> PersonQuerySet:
    return Person.objects.filter(person_scope_q(user))


def person_get_for_user(user: User, pk: int | str) -> Person:
    """The person, or Http404 whether it is missing or outside the user's scope: the two look the same."""
    try:
        return people_visible_to(user).select_related("domicile_region", "household").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc


def person_sensitive_value(person: Person, field: str) -> str:
    if field == "kk":
        return person.household.kk if person.household else ""
    return str(getattr(person, field) or "")


def cases_visible_to(user: User) -> QuerySet[Case]:
    return Case.objects.filter(person_scope_q(user, prefix="person__"))


def case_get_for_user(user: User, pk: int | str) -> Case:
    """The case, or Http404 whether it is missing or its person is outside the user's scope."""
    try:
        return cases_visible_to(user).select_related("person", "office", "caseworker").get(pk=int(pk))
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc


def people_likely_duplicates(user: User, *, full_name: str, birth_date: dt.date, limit: int = 5) -> PersonQuerySet:
    """Visible people born the same day whose names look alike (trigram): shown before a new registration."""
    name = " ".join(full_name.split()).upper()
    return (
        people_visible_to(user)
        .filter(birth_date=birth_date)
        .annotate(similarity=TrigramSimilarity(Upper("full_name"), name))
        .filter(similarity__gte=0.4)
        .order_by("-similarity")[:limit]
    )


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.date
    kind: str
    title: str
    detail: str = ""


def person_timeline(person: Person) -> list[TimelineEntry]:
    """Everything that happened to a person, newest first: case stages, visits, referrals, transfers and
    the person's own incidents (grants and assessments join as those modules land).
    The caller has already checked scope and logged the read."""
    changes = CaseStageChange.objects.filter(case__person=person).select_related("changed_by")
    visits = Visit.objects.filter(case__person=person)
    entries = [
        TimelineEntry(
            timezone.localdate(c.changed_at),
            "stage",
            f"Tahap: {Case.Stage(c.to_stage).label}" if c.from_stage else "Kasus dibuka",
            c.note,
        )
        for c in changes
    ] + [TimelineEntry(v.visited_on, "visit", f"Kunjungan: {v.place}", v.findings) for v in visits]
    referrals = Referral.objects.filter(case__person=person).select_related("to_office")
    entries += [
        TimelineEntry(
            timezone.localdate(r.referred_at),
            "referral",
            f"Rujukan {r.get_kind_display()}: {r.to_office.name if r.to_office else r.to_organisation}"
            f" ({r.get_status_display()})",
            r.outcome,
        )
        for r in referrals
    ]
    transfers = Transfer.objects.filter(case__person=person).select_related("from_office", "to_office")
    entries += [
        TimelineEntry(
            timezone.localdate(t.decided_at or t.requested_at),
            "transfer",
            f"Perpindahan: {t.from_office.name} → {t.to_office.name} ({t.get_status_display()})",
            t.decision_note,
        )
        for t in transfers
    ]
    # Only the person's own side of an event: never who else was involved (victim/perpetrator separation).
    involvements = IncidentInvolvement.objects.filter(person=person).select_related("incident")
    entries += [
        TimelineEntry(
            i.incident.occurred_on, "incident", f"Peristiwa: {i.incident.name}", f"Pihak: {i.get_side_display()}"
        )
        for i in involvements
    ]
    from assessments.selectors import person_assessments

    entries += [
        TimelineEntry(
            a.assessed_on,
            "assessment",
            f"Asesmen: tingkat {a.level.label if a.level else '-'}",
            f"{a.get_purpose_display()} · rekomendasi {a.get_recommendation_display().lower()}",
        )
        for a in person_assessments(person)
    ]
    from assistance.selectors import grant_events_for_person

    entries += [
        TimelineEntry(
            timezone.localdate(e.at),
            "grant",
            f"Bantuan {e.grant.programme.name}: {e.get_to_status_display().lower()}",
            e.note,
        )
        for e in grant_events_for_person(person.pk)
    ]
    return sorted(entries, key=lambda e: e.when, reverse=True)


def case_notes_visible_to(user: User, case: Case) -> QuerySet[CaseNote]:
    """A case's notes; intelligence notes only for roles holding their permission."""
    notes = case.notes.select_related("written_by")
    if not policy.holds(user, "person.intelligence"):
        notes = notes.filter(is_intelligence=False)
    return notes


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    category: str = ""
    region: str = ""
    stage: str = ""
    office: int | None = None
    caseworker: int | None = None
    # A case of the person opened (or closed) within these days, both ends included.
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None
    level: str = ""  # the label of the person's current assessment level
    open_case: bool = False  # a case of the person is open
    overdue: str = ""  # a case of the person is open and its visit or review overdue (cases.workflows.overdue_q)
    movement: str = ""  # how the current assessment level moved (assessments.selectors.movement_q)
    today: dt.date | None = None  # the day `overdue` is judged on; today when not given


# Typo-tolerant matches are sought among names at least this similar (pg_trgm word similarity) first, then
# at the server's threshold (pg_trgm.word_similarity_threshold, 0.6 by default): a closer threshold leaves
# the trigram index far fewer candidates to fetch and rank, and usually fills a page on its own.
NAME_SIMILARITY_TIERS = (0.7,)


def _nik(filters: PersonFilters) -> str | None:
    """The NIK in `q` (16 digits, separators allowed), if that is what `q` is."""
    digits = normalize_number(filters.q.strip())
    return digits if digits.isdigit() and len(digits) == 16 else None


def query_is_nik(q: str) -> bool:
    """Whether searching for `q` is a search by NIK (16 digits, separators allowed) rather than by name."""
    return _nik(PersonFilters(q=q)) is not None


def _name_term(filters: PersonFilters) -> str:
    """The name part of `q`, as compared (upper case, single spaces); empty for a NIK or no `q`."""
    if _nik(filters) is not None:
        return ""
    return " ".join(filters.q.split()).upper()


def _name_contains(term: str) -> Q:
    return Q(uname__contains=term)


def people_search(people: PersonQuerySet, filters: PersonFilters) -> PersonQuerySet:
    """Narrow an already scoped queryset. `q` is a NIK (16 digits, separators allowed) or part of a name,
    matched typo-tolerantly with trigrams on the indexed UPPER(full_name): names containing the words as
    typed come first, alphabetically; then the typo-tolerant matches, the most similar first. For a page of
    that order, `people_search_pages` finds the same rows for a fraction of the cost."""
    people = _people_filter(people, filters)
    term = _name_term(filters)
    if not term:
        return people
    contains = _name_contains(term)
    return (
        people.alias(uname=Upper("full_name"))
        .filter(contains | Q(uname__trigram_word_similar=term))
        .alias(
            contains_term=ExpressionWrapper(contains, output_field=BooleanField()),
            similarity=SqlCase(
                When(contains, then=Value(None)),
                default=TrigramWordSimilarity(term, Upper("full_name")),
                output_field=FloatField(),
            ),
        )
        .order_by("-contains_term", F("similarity").desc(nulls_last=True), "full_name", "id")
    )


class NameSearchPages:
    """Slices of `people_search`'s order for a name, found part by part so that a page costs what it shows.

    The names containing the words come first, alphabetically: the (full_name, id) index walks them in that
    order and stops at the page, where ranking every match by similarity read all of them (two percent of a
    million people are called Nugroho). Only a page they do not fill looks further, among the typo-tolerant
    matches: first those at least as similar as each of NAME_SIMILARITY_TIERS, then at the server's
    threshold. A tier that fills the page holds the same rows the full order has there: every name in it
    ranks above every name outside it."""

    def __init__(self, people: PersonQuerySet, term: str) -> None:
        self.people = people.alias(uname=Upper("full_name"))
        self.term = term

    def __getitem__(self, window: slice) -> list[Person]:
        start, stop = window.start or 0, window.stop
        if stop is None or window.step is not None:
            raise ValueError("a page of a name search is a bounded slice")
        contains = self.people.filter(_name_contains(self.term)).order_by("full_name", "id")
        rows = list(contains[start:stop])
        if len(rows) == stop - start:
            return rows
        # How many containing names precede the typo-tolerant ones: known from this page unless it lies
        # wholly past them, then counted (at most `start` of them).
        before = start + len(rows) if rows or not start else contains[:start].count()
        offset, wanted = start + len(rows) - before, stop - start - len(rows)
        similar = (
            self.people.filter(uname__trigram_word_similar=self.term)
            .exclude(_name_contains(self.term))
            .alias(similarity=TrigramWordSimilarity(self.term, Upper("full_name")))
            .order_by("-similarity", "full_name", "id")
        )
        for threshold in (*NAME_SIMILARITY_TIERS, None):
            with _word_similarity_threshold(threshold):
                found = list(similar[offset : offset + wanted])
            if len(found) == wanted or threshold is None:
                return rows + found
        raise AssertionError("unreachable: the last tier returns")


@contextmanager
def _word_similarity_threshold(threshold: float | None) -> Iterator[None]:
    """pg_trgm's `%>` threshold set to `threshold` for the block (None: left as the server has it)."""
    if threshold is None:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold', true)")
        (previous,) = cursor.fetchone() or (None,)
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(threshold)])
        try:
            yield
        finally:
            if previous is None:
                cursor.execute("RESET pg_trgm.word_similarity_threshold")
            else:
                cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [previous])


def people_search_pages(people: PersonQuerySet, filters: PersonFilters) -> PersonQuerySet | NameSearchPages:
    """`people_search`, to be sliced into pages (see NameSearchPages)."""
    term = _name_term(filters)
    if not term:
        return people_search(people, filters)
    return NameSearchPages(_people_filter(people, filters), term)


def _people_filter(people: PersonQuerySet, filters: PersonFilters) -> PersonQuerySet:
    """Every filter but the name in `q` (a NIK in `q` is one)."""
    nik = _nik(filters)
    if nik is not None:
        people = people.filter(nik=nik)
    if filters.category:
        people = people.filter(category=filters.category)
    if filters.region:
        people = people.filter(
            Q(domicile_region__code=filters.region) | Q(domicile_region__code__startswith=f"{filters.region}.")
        )
    case_filters = {
        key: value
        for key, value in (
            ("stage", filters.stage),
            ("office_id", filters.office),
            ("caseworker_id", filters.caseworker),
            ("opened_on__gte", filters.opened_from),
            ("opened_on__lte", filters.opened_to),
            ("closed_on__gte", filters.closed_from),
            ("closed_on__lte", filters.closed_to),
        )
        if value
    }
    # Every case condition holds for one and the same case of the person.
    cases = Case.objects.filter(person=OuterRef("pk"), **case_filters)
    if filters.open_case:
        cases = cases.exclude(stage=Case.Stage.CLOSED)
    if filters.overdue:
        from cases.workflows import overdue_q, with_visit_base

        cases = with_visit_base(cases).filter(overdue_q(filters.overdue, filters.today or timezone.localdate()))
    if case_filters or filters.open_case or filters.overdue:
        people = people.filter(Exists(cases))
    if filters.level or filters.movement:
        from assessments.models import Assessment
        from assessments.selectors import current_assessments, movement_q, with_level_movement

        current = current_assessments(Assessment.objects.filter(person=OuterRef("pk")))
        if filters.level:
            # The level is the assessor's judgement where given, else the computed one (Assessment.level).
            current = current.filter(
                Q(judged_band__label=filters.level) | Q(judged_band__isnull=True, computed_band__label=filters.level)
            )
        if filters.movement:
            people = people.filter(Exists(with_level_movement(current).filter(movement_q(filters.movement))))
        else:
            people = people.filter(Exists(current))
    return people


def households_visible_to(user: User) -> QuerySet[Household]:
    """Households with at least one member the user may see; only those members are attached."""
    visible = people_visible_to(user)
    return (
        Household.objects.filter(Exists(visible.filter(household=OuterRef("pk"))))
        .prefetch_related(Prefetch("members", queryset=visible.order_by("id"), to_attr="visible_members"))
        .order_by("id")
    )
