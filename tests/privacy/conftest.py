from __future__ import annotations

import pytest

from tests.privacy.factories import ensure_categories


@pytest.fixture(autouse=True)
def categories(base_data: None) -> None:
    ensure_categories()
