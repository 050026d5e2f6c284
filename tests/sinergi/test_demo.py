from __future__ import annotations

import pytest

from napiter.documents.models import Document
from napiter.documents.signing import check_signatures
from sinergi.demo import FOCUS_PROVINCES, seed_sinergi
from sinergi.models import ActionPlan, ActionPlanEvent, Addendum, Agreement
from sinergi.services import realisation_overdue

pytestmark = pytest.mark.django_db


def test_seed_sinergi_covers_every_state_and_every_stage_of_signing(cast, demo_pki):
    created = seed_sinergi()

    assert 50 <= created <= 70
    plans = ActionPlan.objects.filter(year=2022)
    assert set(plans.values_list("status", flat=True)) == set(ActionPlan.Status.values)
    assert set(plans.values_list("plan_type", flat=True)) == {"fisik", "non_fisik"}
    assert set(plans.values_list("province_id", flat=True)) == set(FOCUS_PROVINCES)
    signed = Agreement.objects.get(ministry__code="kemenag", year=2022)
    assert signed.document is not None
    assert signed.document.status == Document.Status.SIGNED
    with signed.document.file.open("rb") as handle:
        assert [c.bottom_line for c in check_signatures(handle.read())] == [True, True]
    waiting = Agreement.objects.get(ministry__code="kemenpu")
    assert waiting.document is not None
    assert waiting.document.status == Document.Status.AWAITING_SIGNATURE
    assert waiting.document.signatures.get(signed_at__isnull=True).signer.username == "bnpt.kepala"
    # One berita acara rendered and waiting for both signatures, to be walked through the sign pages.
    ready = Agreement.objects.get(ministry__code="kemenag", year=2023)
    assert ready.document is not None
    assert ready.document.status == Document.Status.AWAITING_SIGNATURE
    assert [(s.signer.username, s.signed_at) for s in ready.document.signatures.order_by("order")] == [
        ("kl.kemenag.eselon2", None),
        ("bnpt.kepala", None),
    ]
    assert ready.plans.count() >= 2
    assert set(ready.plans.values_list("status", flat=True)) == {ActionPlan.Status.AGREED}
    assert realisation_overdue(plan=signed.plans.first()) != []
    addendum = signed.addenda.get()
    assert addendum.status == Addendum.Status.APPLIED
    assert addendum.document is not None
    assert addendum.document.status == Document.Status.SIGNED
    with addendum.document.file.open("rb") as handle:
        assert [c.bottom_line for c in check_signatures(handle.read())] == [True, True]
    amended = ActionPlan.objects.filter(events__action=ActionPlanEvent.Action.AMENDED)
    assert amended.count() == 2
    assert set(amended.values_list("status", flat=True)) == {ActionPlan.Status.AGREED}
    counts = (ActionPlan.objects.count(), Agreement.objects.count(), Document.objects.count())
    assert seed_sinergi() == 0  # idempotent
    assert Addendum.objects.count() == 1
    assert (ActionPlan.objects.count(), Agreement.objects.count(), Document.objects.count()) == counts
