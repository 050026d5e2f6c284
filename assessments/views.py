from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.effect import cohort_from_deliveries, programme_effect
from assessments.forms import MISSING, AssessmentFieldsForm, AssessmentStartForm, EffectFilterForm
from assessments.models import Assessment, Item
from assessments.selectors import (
    assessment_get_for_user,
    assessments_in_order,
    assessments_visible_to,
    can_view_item_scores,
    instrument_versions_in_use,
    person_trajectory,
    reviews_overdue,
)
from assessments.services import (
    RatingInput,
    assessment_amend,
    assessment_log_read,
    assessment_read,
    assessment_save,
    assessment_start,
    assessment_submit,
    assessments_listed,
    parse_rating,
)
from cases.services import person_read
from napiter import policy
from napiter.accounts.access import works_with_people
from napiter.accounts.models import User
from napiter.paging import page_window


def _people_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not works_with_people(user):
        raise Http404("Data tidak ditemukan.")
    return user


@login_required
def person_assessments(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's assessments and the trajectory chart of levels, domain scores and case stages."""
    user = _people_user(request)
    person = person_read(user=user, pk=pk, request=request)
    rows = (
        assessments_visible_to(user)
        .filter(person=person)
        .exclude(Q(status=Assessment.Status.DRAFT) & ~Q(assessor=user))
        .select_related("version__instrument", "assessor", "computed_band", "judged_band", "second_opinion_of")
    )
    can_assess = policy.holds(user, "assessment.write")
    start_form = (
        AssessmentStartForm(versions=instrument_versions_in_use(), initial={"assessed_on": timezone.localdate()})
        if can_assess
        else None
    )
    return render(
        request,
        "assessments/person.html",
        {
            "person": person,
            "assessments": rows,
            "trajectory": person_trajectory(person, with_domain_scores=can_view_item_scores(user)),
            "start_form": start_form,
        },
    )


@login_required
@require_POST
def assessment_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    person = person_read(user=user, pk=pk, request=request)
    form = AssessmentStartForm(request.POST, versions=instrument_versions_in_use())
    if not form.is_valid():
        messages.error(request, _("Pilih instrumen, tujuan dan tanggal asesmen."))
        return redirect("assessments:person", pk=person.pk)
    try:
        assessment = assessment_start(user=user, person=person, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("assessments:person", pk=person.pk)
    return redirect("assessments:fill", pk=assessment.pk)


def _item_rows(assessment: Assessment, *, post: Any = None) -> list[dict[str, Any]]:
    ratings = {r.item_id: r for r in assessment.ratings.all()}
    rows = []
    for item in Item.objects.filter(domain__version=assessment.version).select_related("domain", "scale"):
        rating = ratings.get(item.pk)
        if post is not None:
            chosen = post.get(f"rating_{item.code}", "")
            evidence = post.get(f"evidence_{item.code}", "")
        else:
            chosen = (
                MISSING
                if rating and rating.missing
                else ("" if rating is None or rating.value is None else f"{rating.value.normalize()}")
            )
            evidence = rating.evidence if rating else ""
        options = [{"value": f"{v.normalize()}", "label": item.scale.label_for(v)} for v in item.scale.values]
        rows.append({"item": item, "options": options, "chosen": chosen, "evidence": evidence})
    return rows


def _ratings_from_post(rows: list[dict[str, Any]]) -> list[RatingInput]:
    out = []
    for row in rows:
        if row["chosen"] == "" and not row["evidence"]:
            continue
        raw = {"item": row["item"].code, "evidence": row["evidence"]}
        if row["chosen"] == MISSING:
            raw["missing"] = True
        else:
            raw["value"] = row["chosen"]
        out.append(parse_rating(raw))
    return out


@login_required
def assessment_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor's form, usable on a phone: each change is autosaved (htmx); submitting locks it."""
    user = _people_user(request)
    assessment = assessment_get_for_user(user, pk)
    if assessment.assessor_id != user.pk:
        raise Http404("Data tidak ditemukan.")
    if assessment.is_locked:
        return redirect("assessments:detail", pk=assessment.pk)
    errors: list[str] = []
    if request.method == "POST":
        form = AssessmentFieldsForm(request.POST, version=assessment.version)
        rows = _item_rows(assessment, post=request.POST)
        if form.is_valid():
            try:
                assessment = assessment_save(
                    user=user, pk=assessment.pk, ratings=_ratings_from_post(rows), fields=dict(form.cleaned_data)
                )
                if request.POST.get("action") == "submit" and not request.headers.get("HX-Request"):
                    assessment_submit(user=user, pk=assessment.pk)
                    messages.success(request, _("Asesmen diajukan dan dikunci."))
                    return redirect("assessments:detail", pk=assessment.pk)
            except ValidationError as exc:
                errors = exc.messages
        else:
            errors = [_("Periksa isian yang ditandai.")]
        if request.headers.get("HX-Request"):
            return render(
                request,
                "assessments/_autosave.html",
                {"assessment": assessment, "errors": errors, "saved_at": timezone.localtime()},
                status=200 if not errors else 400,
            )
        if not errors:
            messages.success(request, _("Draf disimpan."))
            return redirect("assessments:fill", pk=assessment.pk)
    else:
        form = AssessmentFieldsForm(
            version=assessment.version,
            initial={
                "assessed_on": assessment.assessed_on,
                "purpose": assessment.purpose,
                "sources": assessment.sources,
                "judged_band": assessment.judged_band.code if assessment.judged_band else "",
                "judgement_reason": assessment.judgement_reason,
                "recommendation": assessment.recommendation,
                "aid_eligible": assessment.aid_eligible,
                "recommendation_notes": assessment.recommendation_notes,
            },
        )
        rows = _item_rows(assessment)
    assessment_log_read(user=user, assessment=assessment, request=request)  # the form names the person
    domains: list[dict[str, Any]] = []
    for row in rows:
        if not domains or domains[-1]["domain"] != row["item"].domain:
            domains.append({"domain": row["item"].domain, "rows": []})
        domains[-1]["rows"].append(row)
    return render(
        request,
        "assessments/fill.html",
        {"assessment": assessment, "form": form, "domains": domains, "errors": errors, "missing": MISSING},
        status=400 if errors else 200,
    )


def _comparison(first: Assessment, second: Assessment) -> list[dict[str, Any]]:
    """Item by item, the two independent ratings side by side."""
    a = {r.item_id: r for r in first.ratings.select_related("item__scale")}
    b = {r.item_id: r for r in second.ratings.all()}
    rows = []
    for item in Item.objects.filter(domain__version=first.version).select_related("scale"):
        ra, rb = a.get(item.pk), b.get(item.pk)

        def show(r: Any, item: Item = item) -> str:
            if r is None:
                return "—"
            return _("tidak diketahui") if r.missing else item.scale.label_for(r.value)

        rows.append({"item": item, "first": show(ra), "second": show(rb), "differs": show(ra) != show(rb)})
    return rows


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    assessment = assessment_read(user=user, pk=pk, request=request)
    show_items = can_view_item_scores(user)
    first = assessment.second_opinion_of or assessment
    seconds = list(first.second_opinions.submitted().select_related("assessor", "computed_band", "judged_band"))
    comparisons = [
        {"second": s, "rows": _comparison(first, s) if show_items else []}
        for s in seconds
        if assessment.status == Assessment.Status.SUBMITTED
    ]
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "first": first,
            "show_items": show_items,
            "ratings": assessment.ratings.select_related("item__domain", "item__scale").order_by(
                "item__domain__order", "item__order"
            )
            if show_items
            else [],
            "comparisons": comparisons,
            "can_amend": policy.holds(user, "assessment.write") and assessment.status == Assessment.Status.SUBMITTED,
            "can_second": policy.holds(user, "assessment.write")
            and assessment.status == Assessment.Status.SUBMITTED
            and assessment.second_opinion_of_id is None
            and assessment.assessor_id != user.pk,
            "history": _amendment_chain(assessment),
        },
    )


def _amendment_chain(assessment: Assessment) -> list[Assessment]:
    chain = [assessment]
    while chain[-1].amends_id is not None and len(chain) < 50:
        previous = chain[-1].amends
        assert previous is not None
        chain.append(previous)
    return chain


@login_required
@require_POST
def assessment_amend_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    assessment_get_for_user(user, pk)
    try:
        amendment = assessment_amend(user=user, pk=pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("assessments:detail", pk=pk)
    return redirect("assessments:fill", pk=amendment.pk)


@login_required
@require_POST
def assessment_second_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an independent second assessment of the same person with the same instrument version."""
    user = _people_user(request)
    first = assessment_get_for_user(user, pk)
    try:
        second = assessment_start(
            user=user,
            person=first.person,
            version=first.version,
            purpose=first.purpose,
            assessed_on=timezone.localdate(),
            second_opinion_of=first,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("assessments:detail", pk=pk)
    return redirect("assessments:fill", pk=second.pk)


@login_required
def reviews_due(request: HttpRequest) -> HttpResponse:
    """Reassessments past their date, and the signed-in assessor's open drafts."""
    user = _people_user(request)
    drafts = list(
        assessments_visible_to(user)
        .filter(status=Assessment.Status.DRAFT, assessor=user)
        .select_related("person", "version__instrument")
    )
    window = page_window(request, reviews_overdue(user, today=timezone.localdate()))
    overdue = assessments_in_order(window.rows)
    assessments_listed(user=user, assessments=[*overdue, *drafts], request=request)
    return render(
        request,
        "assessments/due.html",
        {"overdue": overdue, "page": window.page, "has_next": window.has_next, "drafts": drafts},
    )


@login_required
def programme_effect_view(request: HttpRequest) -> HttpResponse:
    """Levels before and after assistance for a cohort chosen by programme, region and delivery year."""
    from assistance.selectors import grants_visible_to, programmes_visible_to

    user = _people_user(request)
    form = EffectFilterForm(request.GET or None, programmes=programmes_visible_to(user))
    grants = grants_visible_to(user).filter(delivered_on__isnull=False)
    if form.is_valid():
        if form.cleaned_data["programme"] is not None:
            grants = grants.filter(programme=form.cleaned_data["programme"])
        if form.cleaned_data["region"]:
            grants = grants.filter(person__domicile_region__code__startswith=form.cleaned_data["region"])
        if form.cleaned_data["year"]:
            grants = grants.filter(delivered_on__year=form.cleaned_data["year"])
    result = programme_effect(cohort_from_deliveries(grants.values_list("person_id", "delivered_on")))
    rows = [
        {"label": label, "before": result.before.get(label, 0), "after": result.after.get(label, 0)}
        for label in result.levels
    ]
    outcomes = [
        {"label": _("Membaik"), "count": result.improved, "share": result.share(result.improved)},
        {"label": _("Tetap"), "count": result.stayed, "share": result.share(result.stayed)},
        {"label": _("Memburuk"), "count": result.worsened, "share": result.share(result.worsened)},
    ]
    chart = {
        "levels": result.levels,
        "before": [r["before"] for r in rows],
        "after": [r["after"] for r in rows],
        "labels": [_("Sebelum bantuan"), _("Sesudah bantuan")],
    }
    return render(
        request,
        "assessments/effect.html",
        {"form": form, "result": result, "rows": rows, "outcomes": outcomes, "chart": chart},
    )
