"""Kemendagri region codes are hierarchical and dotted: 36 > 36.03 > 36.03.12 > 36.03.12.2001.

The shape of a code alone gives its level and its ancestors, so these helpers never touch the database.
"""

from __future__ import annotations

import re

# ASCII digits only: `\d` would also accept other scripts' digits, which no Kemendagri code contains.
REGION_CODE_PATTERN = r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?"
_REGION_CODE = re.compile(REGION_CODE_PATTERN)


def is_region_code(value: str) -> bool:
    return _REGION_CODE.fullmatch(value) is not None


def region_ancestor_codes(code: str) -> list[str]:
    """The codes from the province down to `code` itself: "36.03.12" -> ["36", "36.03", "36.03.12"].

    Anything that is not a well-formed code has no chain.
    """
    if not is_region_code(code):
        return []
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
