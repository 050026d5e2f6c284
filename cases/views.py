from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_POST

from cases.dtsen import dtsen_latest_for
from cases.filters import PersonFilterSet
from cases.forms import (
    CaseCloseForm,
    CaseOpenForm,
    CasePlanForm,
    CaseTransitionForm,
    NoteForm,
    PersonPhotoForm,
    PersonRegistrationForm,
    VisitForm,
)
from cases.masking import SENSITIVE_FIELDS
from cases.models import Case, Person
from cases.selectors import (
    case_notes_visible_to,
    people_search_pages,
    people_visible_to,
    person_get_for_user,
    person_sensitive_value,
    person_timeline,
)
from cases.services import (
    STAGE_ORDER,
    DuplicatePerson,
    case_can_write,
    case_close,
    case_open,
    case_plan_update,
    case_read,
    case_transition,
    note_add,
    people_listed,
    people_similar_read,
    person_can_write,
    person_duplicates_shown,
    person_photo_read,
    person_photo_set,
    person_read,
    person_register,
    person_reveal,
    visit_photo_read,
    visit_record,
)
from cases.workflows import case_workflow_panel
from napiter import policy
from napiter.accounts.access import works_with_people
from napiter.accounts.models import User
from napiter.forms import add_service_errors, field_check_response
from napiter.paging import page_window
from napiter.uploads import protected_file_response


def _people_user(request: HttpRequest) -> User:
    """The request's user, if their role works with people; otherwise the pages do not exist for them."""
    user: User = request.user  # type: ignore[assignment]
    if not works_with_people(user):
        raise Http404("Data tidak ditemukan.")
    return user


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = _people_user(request)
    # The rows show a name, a category and a village: only those columns are read and compiled.
    people = (
        people_visible_to(user)
        .order_by("full_name", "id")
        .select_related("domicile_region")
        .only("full_name", "category", "domicile_region__name")
    )
    filters = PersonFilterSet(request.GET, queryset=people)
    for field in filters.form.fields.values():
        field.widget.attrs.setdefault("class", "form-select" if hasattr(field, "choices") else "form-control")
    search = filters.search_filters() if filters.is_valid() else None
    window = page_window(request, people_search_pages(people, search) if search else people.none())
    people_listed(user=user, people=window.rows, search=search.q if search else "", request=request)
    query = request.GET.copy()
    query.pop("hal", None)
    return render(
        request,
        "cases/person_list.html",
        {
            "people": window.rows,
            "page": window.page,
            "has_next": window.has_next,
            "filters": filters.form,
            "may_export": policy.holds(user, "person.export"),
            "query": query.urlencode(),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    person = person_read(user=user, pk=pk, request=request)
    return render(request, "cases/person_detail.html", _person_context(user, person))


def _person_context(user: User, person: Person, photo_form: PersonPhotoForm | None = None) -> dict[str, object]:
    masked = [
        {
            "name": f.name,
            "label": f.label,
            "masked": f.mask(person_sensitive_value(person, f.name)),
            "can_reveal": policy.holds(user, f.action),
        }
        for f in SENSITIVE_FIELDS.values()
    ]
    may_change_photo = person_can_write(user, person)
    return {
        "person": person,
        "sensitive": masked,
        "cases": person.cases.select_related("office", "caseworker"),
        "timeline": person_timeline(person),
        "dtsen": dtsen_latest_for(person),
        "open_form": CaseOpenForm() if policy.allows(user, "case.open", person, in_scope=True) else None,
        "photo_form": (photo_form or PersonPhotoForm()) if may_change_photo else None,
    }


@login_required
@require_POST
def person_photo_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    form = PersonPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            person_photo_set(user=user, pk=pk, photo=form.cleaned_data["photo"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Foto diperbarui.")
            return redirect("cases:person-detail", pk=pk)
    person = person_read(user=user, pk=pk, request=request)
    context = {**_person_context(user, person, form), "refusals": form.non_field_errors()}
    return render(request, "cases/person_detail.html", context, status=400)


@login_required
@require_GET
def person_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    person = person_photo_read(user=_people_user(request), pk=pk, request=request)
    return protected_file_response(person.photo, download_name=f"foto-orang-{person.pk}")


@login_required
@require_GET
def visit_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    photo = visit_photo_read(user=_people_user(request), pk=pk, request=request)
    return protected_file_response(photo.image, download_name=f"foto-kunjungan-{photo.pk}")


@login_required
@require_POST
def person_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    fields = request.POST.getlist("fields")
    try:
        values = person_reveal(user=user, pk=pk, fields=fields, reason=request.POST.get("reason", ""), request=request)
    except ValidationError as exc:
        return render(request, "cases/_reveal_result.html", {"errors": exc.messages}, status=400)
    except PermissionDenied as exc:
        return render(request, "cases/_reveal_result.html", {"errors": [str(exc)]}, status=403)
    revealed = [(SENSITIVE_FIELDS[name].label, value) for name, value in values.items()]
    return render(request, "cases/_reveal_result.html", {"revealed": revealed})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user = _people_user(request)
    if not policy.holds(user, "person.register"):
        raise Http404("Data tidak ditemukan.")
    form = PersonRegistrationForm(request.POST or None)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            person, warnings = person_register(user=user, data=form.to_input())
        except DuplicatePerson as exc:
            existing = exc.existing
            person_duplicates_shown(user=user, people=[existing] if existing else [], request=request)
            form.add_error(None, exc)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, f"{person.full_name} terdaftar.")
            return redirect("cases:person-detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/person_form.html", {"form": form, "existing": existing}, status=status)


@login_required
@require_POST
def person_check(request: HttpRequest) -> HttpResponse:
    """Inline check of the registration form while it is filled in (never a duplicate lookup: that leaks)."""
    _people_user(request)
    return field_check_response(request, PersonRegistrationForm(request.POST))


@login_required
@require_POST
def visit_check(request: HttpRequest) -> HttpResponse:
    _people_user(request)
    return field_check_response(request, VisitForm(request.POST))


@login_required
@require_GET
def person_similar(request: HttpRequest) -> HttpResponse:
    """Likely duplicates among the people the user may see, shown while the form is being filled."""
    user = _people_user(request)
    birth_date = parse_date(request.GET.get("birth_date", "") or "")
    name = request.GET.get("full_name", "").strip()
    matches = people_similar_read(user=user, full_name=name, birth_date=birth_date, request=request)
    return render(request, "cases/_similar.html", {"matches": matches})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    case = case_read(user=user, pk=pk, request=request)
    return render(request, "cases/case_detail.html", _case_context(user, case))


def _next_stage(case: Case) -> str:
    stages = [s.value for s in STAGE_ORDER]
    return stages[min(stages.index(case.stage) + 1, len(stages) - 1)] if case.stage in stages else ""


def _case_context(user: User, case: Case, **forms_: forms.Form) -> dict[str, object]:
    can_write = case_can_write(user, case)
    open_case = case.stage != Case.Stage.CLOSED
    return {
        "case": case,
        "person": case.person,
        "can_write": can_write and open_case,
        "history": case.stage_changes.select_related("changed_by"),
        "visits": case.visits.select_related("visited_by").prefetch_related("photos")[:50],
        "transition_form": forms_.get("transition_form") or CaseTransitionForm(initial={"to_stage": _next_stage(case)}),
        "close_form": forms_.get("close_form") or CaseCloseForm(),
        "visit_form": forms_.get("visit_form") or VisitForm(),
        "note_form": forms_.get("note_form") or NoteForm(),
        "plan_form": forms_.get("plan_form")
        or CasePlanForm(
            initial={"goals": case.goals, "atensi_planned": case.atensi_planned, "atensi_given": case.atensi_given}
        ),
        "notes": case_notes_visible_to(user, case)[:50],
        "may_write_intelligence": policy.holds(user, "person.intelligence"),
        "workflow": case_workflow_panel(user, case),
    }


@login_required
@require_POST
def case_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    person = person_get_for_user(user, pk)
    form = CaseOpenForm(request.POST)
    if form.is_valid():
        try:
            case = case_open(user=user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Kasus dibuka.")
            return redirect("cases:case-detail", pk=case.pk)
    else:
        messages.error(request, "Pilih pendekatan layanan.")
    return redirect("cases:person-detail", pk=person.pk)


def _case_action(
    request: HttpRequest, pk: int, form_class: type[forms.Form], key: str, action: Callable[..., object], done: str
) -> HttpResponse:
    """Run one case action from a posted form: success redirects back; a refusal re-renders with the reason."""
    user = _people_user(request)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("cases:case-detail", pk=pk)
    case = case_read(user=user, pk=pk, request=request)  # the case page again, with the refusal: a read
    context = {**_case_context(user, case, **{key: form}), "refusals": form.non_field_errors()}
    return render(request, "cases/case_detail.html", context, status=400)


@login_required
@require_POST
def case_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk, CaseTransitionForm, "transition_form", partial(case_transition, pk=pk), "Tahap kasus diperbarui."
    )


@login_required
@require_POST
def case_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(request, pk, CaseCloseForm, "close_form", partial(case_close, pk=pk), "Kasus ditutup.")


@login_required
@require_POST
def visit_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(request, pk, VisitForm, "visit_form", partial(visit_record, case_pk=pk), "Kunjungan dicatat.")


@login_required
@require_POST
def note_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(request, pk, NoteForm, "note_form", partial(note_add, case_pk=pk), "Catatan disimpan.")


@login_required
@require_POST
def case_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk, CasePlanForm, "plan_form", partial(case_plan_update, pk=pk), "Rencana layanan disimpan."
    )
