from __future__ import annotations

import pytest

from napiter.accounts.models import Office, User
from napiter.accounts.services import user_upsert
from tests.privacy.factories import ensure_categories


@pytest.fixture(autouse=True)
def categories(base_data: None) -> None:
    ensure_categories()


@pytest.fixture
def kaltim_supervisor(base_data: None) -> User:
    """A supervisor of the Kalimantan Timur office: same role as the Banten kabid, another territory."""
    return user_upsert(
        username="dinsos.kaltim.kabid",
        first_name="Yusuf",
        last_name="Hakim",
        office=Office.objects.get(code="DINSOS-KTM"),
        role="supervisor",
        position="Kepala Bidang Rehabilitasi Sosial",
        password="x" * 16,
    )
