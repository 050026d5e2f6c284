"""Two supervisors (or coordinators) act on the same record at the same moment: one succeeds, the other is
told clearly that someone was first (409 in the API), and the record moves exactly once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.urls import reverse

from assistance.models import Grant, GrantEvent
from napiter.accounts import roles
from napiter.accounts.services import user_upsert
from tests.assistance.factories import kabid, verified_grant

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(calls):
    """Run the calls in threads released together; return their results in order."""
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(n):
        try:
            start.wait()
            results[n] = calls[n]()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_supervisors_approving_one_grant_at_once(base_data, client_for):
    grant = verified_grant()
    second = user_upsert(
        username="dinsos.banten.kasi", office=kabid().office, role=roles.SUPERVISOR, password="uji-rahasia-2026",
        first_name="Rina", last_name="Kasi",
    )  # fmt: skip
    url = reverse("grant-approve", args=[grant.pk])
    body = {"decree_number": "SK-460/099/DINSOS", "decree_date": dt.date.today().isoformat()}
    clients = [client_for(kabid()), client_for(second)]

    responses = _at_once([lambda c=c: c.post(url, body, content_type="application/json") for c in clients])

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert "tidak dapat ditetapkan" in loser.json()["detail"]
    grant.refresh_from_db()
    assert grant.status == Grant.Status.APPROVED
    assert GrantEvent.objects.filter(grant=grant, to_status=Grant.Status.APPROVED).count() == 1


def test_two_coordinators_approving_one_plan_at_once(base_data, cast, client_for):
    from napiter.regions.models import Region
    from sinergi.models import ActionPlan, ActionPlanEvent
    from tests.sinergi.factories import submitted_plan_for_matrix

    plan = submitted_plan_for_matrix(region=Region.objects.get(code="36"))
    second = user_upsert(
        username="bnpt.koordinator2", office=cast.koordinator.office, role=roles.KOORDINATOR,
        password="uji-rahasia-2026", first_name="Dewi", last_name="Koordinator",
    )  # fmt: skip
    url = reverse("action-plan-approve", args=[plan.pk])
    clients = [client_for(cast.koordinator), client_for(second)]

    responses = _at_once([lambda c=c: c.post(url, {"comment": ""}, content_type="application/json") for c in clients])

    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert "hanya rencana yang diajukan yang dapat ditelaah" in loser.json()["detail"]
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.APPROVED
    assert ActionPlanEvent.objects.filter(plan=plan, action=ActionPlanEvent.Action.APPROVED).count() == 1
