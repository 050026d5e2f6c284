from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from napiter.accounts.models import User
from napiter.documents.kinds import KINDS, CaseReport, DocumentKind, register
from tests.documents.factories import ensure_test_pki


@pytest.fixture
def demo_pki(base_data: None) -> Path:
    return ensure_test_pki()


class CoSignedCaseReport(CaseReport):
    """A case report that the BNPT coordinator co-signs after the requesting supervisor: two signers in
    order, as the berita acara kinds will have."""

    code = "uji_dua_penanda_tangan"
    label = "Laporan Kasus (dua penanda tangan)"
    prefix = "UJI"

    @property
    def template(self) -> str:
        return "documents/laporan_kasus.html"

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [requester, User.objects.get(username="bnpt.koordinator")]


@pytest.fixture
def co_signed_kind() -> Iterator[DocumentKind]:
    kind = register(CoSignedCaseReport())
    yield kind
    del KINDS[kind.code]
