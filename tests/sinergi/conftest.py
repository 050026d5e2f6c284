from __future__ import annotations

from pathlib import Path

import pytest

from tests.documents.factories import ensure_test_pki


@pytest.fixture
def demo_pki(base_data: None) -> Path:
    return ensure_test_pki()


@pytest.fixture(autouse=True)
def _reference_data(base_data: None) -> None:
    """Every sinergi test needs the seeded K/L list, which a transactional test's flush may have removed."""
