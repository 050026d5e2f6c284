"""Sensitive person fields: which permission reveals each, and how each looks when masked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def mask_number(value: str) -> str:
    """NIK/KK: keep the first four (province and regency) and the last four digits: 3273********0001."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 7)}{value[-3:]}"


def mask_text(value: str) -> str:
    return "(disembunyikan)" if value else ""


@dataclass(frozen=True)
class SensitiveField:
    name: str
    label: str
    permission: str
    mask: Callable[[str], str]


SENSITIVE_FIELDS: dict[str, SensitiveField] = {
    f.name: f
    for f in [
        SensitiveField("nik", "NIK", "cases.reveal_identity", mask_number),
        SensitiveField("kk", "Nomor KK", "cases.reveal_identity", mask_number),
        SensitiveField("address", "Alamat", "cases.reveal_contact", mask_text),
        SensitiveField("phone", "Telepon", "cases.reveal_contact", mask_phone),
    ]
}
