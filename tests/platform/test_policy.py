"""The access policy (napiter/policy): the red team's findings, each as the rule it breaks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from napiter import policy
from napiter.audit.models import AccessEvent
from napiter.routes import ROUTES
from tests.assessments.factories import draft_assessment_for_matrix
from tests.documents.factories import signed_case_report_for_matrix
from tests.factories import CaseFactory, PersonFactory
from tests.privacy.factories import subject_request_for_matrix

pytestmark = pytest.mark.django_db
DECLARATION = "napiter/policy/declaration.py"


@pytest.fixture
def person(base_data):
    return PersonFactory(full_name="Subjek Kebijakan")


# --- the declaration ------------------------------------------------------------------------------------


def test_every_route_names_a_declared_action():
    undeclared = sorted(r.view_name for r in ROUTES.values() if r.action not in policy.ACTIONS)
    assert undeclared == []


def test_every_declared_action_is_used_by_a_route_or_named_in_the_code():
    used = {r.action for r in ROUTES.values()}
    unused = sorted(set(policy.ACTIONS) - used)
    # Actions no route names are asked by services, templates and selectors; each must be asked somewhere.
    import subprocess

    for name in unused:
        found = subprocess.run(
            ["git", "grep", "--untracked", "-q", "-F", f'"{name}"', "--", "*.py", "*.html", f":!{DECLARATION}"],
            check=False,
        )
        assert found.returncode == 0, f"action {name} is declared but nothing asks for it"


def test_an_undeclared_action_is_refused_loudly(cast):
    with pytest.raises(LookupError):
        policy.holds(cast.banten_pendamping, "person.fly")


# --- 1. documents inherit their subject's rule ---------------------------------------------------------------


def test_the_dpo_does_not_read_case_reports(cast, client_for, person):
    """The DPO answers subject requests; a person's case report is not theirs to read."""
    document = signed_case_report_for_matrix(person)
    client = client_for(cast.dpo)
    for name in ("documents:detail", "documents:download", "document-detail", "document-download"):
        assert client.get(reverse(name, kwargs={"pk": document.pk})).status_code == 404, name
    listing = client.get(reverse("document-list")).json()
    assert document.pk not in [d["id"] for d in listing["results"]]
    # Those who may see the person see the report.
    assert client_for(cast.banten_kabid).get(reverse("documents:detail", kwargs={"pk": document.pk})).status_code == 200


def test_the_dpo_does_not_browse_people(cast, client_for, person):
    client = client_for(cast.dpo)
    assert client.get(reverse("cases:person-detail", kwargs={"pk": person.pk})).status_code == 404
    assert client.get(reverse("person-detail", kwargs={"pk": person.pk})).status_code == 404


# --- 2. subject access: supervisors file, only the DPO fulfils ---------------------------------------------


def test_a_supervisor_files_a_subject_request_but_never_downloads_the_export(cast, client_for, person):
    request = subject_request_for_matrix(person)
    supervisor = client_for(cast.banten_kabid)
    assert supervisor.get(reverse("privacy:request-create", kwargs={"pk": person.pk})).status_code == 200
    assert supervisor.get(reverse("privacy:request-detail", kwargs={"pk": request.pk})).status_code == 200
    for name, method in (
        ("privacy:request-export-json", "get"),
        ("privacy:request-export", "post"),
        ("privacy:request-close", "post"),
        ("subject-request-export", "get"),
    ):
        response = getattr(supervisor, method)(reverse(name, kwargs={"pk": request.pk}))
        assert response.status_code == 404, name
        assert person.nik not in response.content.decode()


def test_the_dpo_downloads_the_export_and_the_download_names_the_request(cast, client_for, person):
    request = subject_request_for_matrix(person)
    response = client_for(cast.dpo).get(reverse("subject-request-export", kwargs={"pk": request.pk}))
    assert response.status_code == 200
    event = AccessEvent.objects.filter(user_id=cast.dpo.pk, person_id=person.pk).latest("id")
    assert event.object_type == "privacy.subjectrequest"
    assert event.object_id == str(request.pk)


# --- 4. drafts: their author and the author's supervisors only ------------------------------------------------


def test_a_draft_assessment_is_read_only_by_its_author(cast, client_for, person):
    draft = draft_assessment_for_matrix(person)
    for user in (cast.banten_pendamping, cast.banten_kabid, cast.koordinator):
        client = client_for(user)
        assert client.get(reverse("assessments:detail", kwargs={"pk": draft.pk})).status_code == 404, user
        assert client.get(reverse("assessment-detail", kwargs={"pk": draft.pk})).status_code == 404, user
        listed = client.get(reverse("assessment-list")).json()["results"]
        assert draft.pk not in [a["id"] for a in listed], user
    author = client_for(cast.asesor)
    assert author.get(reverse("assessments:detail", kwargs={"pk": draft.pk})).status_code == 200
    assert author.get(reverse("assessment-detail", kwargs={"pk": draft.pk})).status_code == 200


# --- 5. buttons from the policy ---------------------------------------------------------------------------


def test_open_case_button_only_without_an_open_case(cast, client_for, person):
    client = client_for(cast.banten_pendamping)
    url = reverse("cases:person-detail", kwargs={"pk": person.pk})
    assert "Buka kasus" in client.get(url).content.decode()
    CaseFactory(person=person)
    assert "Buka kasus" not in client.get(url).content.decode()
    assert not policy.allows(cast.banten_pendamping, "case.open", person)


def test_allows_checks_the_records_scope(cast, person):
    assert policy.allows(cast.banten_pendamping, "case.open", person)
    assert not policy.allows(cast.kaltim_pendamping, "case.open", person)  # same role, other territory
    assert not policy.allows(cast.kemenag_perencana, "person.view", person)


def test_a_kind_of_record_without_a_scope_rule_is_never_let_through(cast):
    from privacy.models import BreachIncident

    with pytest.raises(LookupError, match="no scope rule"):
        policy.narrow(cast.dpo, "privacy.manage", BreachIncident.objects.all())


def test_agreement_button_only_where_the_agreement_can_be_made(cast, client_for, person):
    from sinergi.models import ActionPlan, Ministry
    from tests.sinergi.factories import signing_officials, submitted_plan_for_matrix

    plan = submitted_plan_for_matrix(region=person.domicile_region)
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.APPROVED)
    url = reverse("sinergi:agreement-list")
    page = client_for(cast.koordinator).get(url).content.decode()
    # No Eselon II official of the ministry is registered yet: the agreement cannot be made.
    assert "Susun berita acara" not in page
    signing_officials()
    page = client_for(cast.koordinator).get(url).content.decode()
    assert "Susun berita acara" in page
    assert policy.allows(cast.koordinator, "agreement.create", Ministry.objects.get(pk=plan.ministry_id))
    # Those who may not make agreements never see the button.
    assert "Susun berita acara" not in client_for(cast.kemenag_perencana).get(url).content.decode()
