"""Load test for `make bench`: caseworkers of every province working at once against gunicorn.

Run by the `load_caseworkers` benchmark (benchmarks.py), which writes the work list named by
BENCH_LOAD_TARGETS: for each scale caseworker, a signed-in session and people and cases of their own province.
Each simulated caseworker takes one of those sessions, then pauses 2-5 s between actions (a person reading a
page) and mixes: the person list and its next page, a name search, a person's page and a case page. Anything
but a 200 on the expected page (an error, a redirect to the login) is a failure. The due list is left out: the
scale set gives each province's one caseworker every case of the province (tens of thousands, where a real
caseworker has tens), and that page lists them all.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, task

TARGETS: dict[str, dict[str, list[Any]]] = json.loads(Path(os.environ["BENCH_LOAD_TARGETS"]).read_text())
SESSION_COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "sessionid")
SEARCHES = ("ahmad", "siti nur", "hidayat", "budi santso", "dewi", "nugroho", "fatimah", "rahman")


class Caseworker(FastHttpUser):
    """FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares the two cores
    with the system it measures, and takes a fraction of the CPU per request that requests would."""

    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.username = random.choice(list(TARGETS))  # noqa: S311 - load mix, not a secret
        self.work = TARGETS[self.username]
        self.cookie = f"{SESSION_COOKIE}={self.work['session']}"

    def _page(self, url: str, name: str) -> None:
        # Redirects are not followed: a redirect (to the sign-in page, say) is a failure like any other non-200.
        headers = {"Cookie": self.cookie}
        with self.client.get(url, name=name, headers=headers, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} at {url}")

    @task(4)
    def person_list(self) -> None:
        self._page("/orang/", "person list")

    @task(1)
    def person_list_next(self) -> None:
        self._page("/orang/?hal=2", "person list page 2")

    @task(3)
    def search(self) -> None:
        self._page(f"/orang/?q={random.choice(SEARCHES)}", "name search")  # noqa: S311

    @task(4)
    def person(self) -> None:
        self._page(f"/orang/{random.choice(self.work['people'])}/", "person page")  # noqa: S311

    @task(2)
    def case(self) -> None:
        self._page(f"/orang/kasus/{random.choice(self.work['cases'])}/", "case page")  # noqa: S311
