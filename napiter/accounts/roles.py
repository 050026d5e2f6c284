"""The roles of DESIGN.md as Django groups, with the model permissions each carries.

Permissions are listed as "app_label.codename". Each domain app adds its permissions here when it
lands; `role_sync()` makes the groups match this table exactly (run by `seed_demo` and `sync_roles`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    description: str
    permissions: tuple[str, ...] = field(default_factory=tuple)
    needs_2fa: bool = False


PENDAMPING = "pendamping"
SUPERVISOR = "supervisor"
KOORDINATOR = "koordinator"
ASESOR = "asesor"
PERENCANA = "perencana"
AUDITOR = "auditor"
ADMIN = "admin"

_REGIONS = ("regions.view_region",)

ROLES: dict[str, Role] = {
    r.name: r
    for r in [
        Role(
            PENDAMPING,
            "Pendamping",
            "Mendaftarkan orang dan keluarga, mengelola kasus, kunjungan dan penyaluran bantuan di wilayah kantor.",
            _REGIONS,
        ),
        Role(
            SUPERVISOR,
            "Supervisor",
            "Mengawasi kasus dan bantuan di wilayah kantor, menetapkan bantuan, menandatangani dokumen dan laporan.",
            _REGIONS,
            needs_2fa=True,
        ),
        Role(
            KOORDINATOR,
            "Koordinator BNPT",
            "Menelaah dan menyetujui rencana aksi K/L, mengelola instrumen asesmen, memantau secara nasional.",
            _REGIONS,
            needs_2fa=True,
        ),
        Role(
            ASESOR,
            "Asesor",
            "Melakukan asesmen tingkat radikalisme dan menyusun rekomendasi.",
            _REGIONS,
            needs_2fa=True,
        ),
        Role(
            PERENCANA,
            "Perencana K/L",
            "Menyusun dan mengajukan rencana aksi K/L serta melaporkan realisasinya; tidak melihat data orang.",
            _REGIONS,
        ),
        Role(
            AUDITOR,
            "Auditor",
            "Memeriksa jejak audit: siapa membuka data apa dan kapan; tidak melihat isi kasus.",
            (),
        ),
        Role(
            ADMIN,
            "Administrator",
            "Mengelola kantor, pengguna, peran dan data referensi.",
            (
                *_REGIONS,
                "accounts.add_user",
                "accounts.change_user",
                "accounts.view_user",
                "accounts.add_office",
                "accounts.change_office",
                "accounts.view_office",
                "accounts.add_agency",
                "accounts.change_agency",
                "accounts.view_agency",
            ),
            needs_2fa=True,
        ),
    ]
}
