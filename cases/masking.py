"""Sensitive person fields: which policy action reveals each, and how each looks when masked."""

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
    action: str
    mask: Callable[[str], str]


SENSITIVE_FIELDS: dict[str, SensitiveField] = {
    f.name: f
    for f in [
        SensitiveField("nik", "NIK", "person.reveal", mask_number),
        SensitiveField("kk", "Nomor KK", "person.reveal", mask_number),
        SensitiveField("address", "Alamat", "person.reveal_contact", mask_text),
        SensitiveField("phone", "Telepon", "person.reveal_contact", mask_phone),
    ]
}
