"""The load benchmark's simulated caseworkers (napiter/scale/locustfile.py), run by locust against a live
server: a signed-in caseworker's pages count as successes, and a session the server does not know (its pages
redirect to the sign-in page) counts every request as a failure, so "0 errors" in the table means something."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import CaseFactory

LOCUSTFILE = Path(__file__).resolve().parent.parent.parent / "napiter" / "scale" / "locustfile.py"


def _run_locust(tmp_path: Path, url: str, session: str, person_id: int, case_id: int) -> dict[str, dict[str, str]]:
    tmp_path.mkdir()
    targets = tmp_path / "targets.json"
    targets.write_text(json.dumps({"pendamping": {"people": [person_id], "cases": [case_id], "session": session}}))
    env = {**os.environ, "BENCH_LOAD_TARGETS": str(targets), "BENCH_SESSION_COOKIE": settings.SESSION_COOKIE_NAME}
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", "3", "-r", "3",
         "-t", "5s", "--host", url, "--csv", str(tmp_path / "locust"), "--only-summary", "--loglevel", "ERROR",
         "--exit-code-on-error", "0", "--stop-timeout", "10"],
        env=env, check=True, stdout=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    with (tmp_path / "locust_stats.csv").open() as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_caseworker_has_no_failures_and_an_unknown_session_fails_every_request(
    cast, client_for, live_server, tmp_path
):
    case = CaseFactory()  # of a Banten person, with the Banten caseworker
    session = client_for(cast.banten_pendamping).cookies[settings.SESSION_COOKIE_NAME].value

    signed_in = _run_locust(tmp_path / "in", live_server.url, session, case.person_id, case.pk)
    assert int(signed_in["Aggregated"]["Request Count"]) >= 3
    assert int(signed_in["Aggregated"]["Failure Count"]) == 0

    unknown = _run_locust(tmp_path / "out", live_server.url, "tidak-dikenal", case.person_id, case.pk)
    requests = int(unknown["Aggregated"]["Request Count"])
    assert requests >= 3
    assert int(unknown["Aggregated"]["Failure Count"]) == requests
    with (tmp_path / "out" / "locust_failures.csv").open() as failures:
        errors = {row["Error"] for row in csv.DictReader(failures)}
    assert errors
    assert all("302 at /orang/" in error for error in errors), errors
