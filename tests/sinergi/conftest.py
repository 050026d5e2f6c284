from __future__ import annotations

from pathlib import Path

import pytest

from tests.documents.factories import ensure_test_pki


@pytest.fixture
def demo_pki(base_data: None) -> Path:
    return ensure_test_pki()
