"""The roles of DESIGN.md as Django groups, with the model permissions each carries.

Permissions are listed as "app_label.codename". Each domain app adds its permissions here when it
lands; `role_sync()` makes the groups match this table exactly (run by `seed_demo` and `sync_roles`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    name: str
    label: str | Promise
    description: str | Promise
    permissions: tuple[str, ...] = field(default_factory=tuple)
    needs_2fa: bool = False


PENDAMPING = "pendamping"
SUPERVISOR = "supervisor"
KOORDINATOR = "koordinator"
ASESOR = "asesor"
PERENCANA = "perencana"
AUDITOR = "auditor"
ADMIN = "admin"
PEJABAT_KL = "pejabat_kl"
DPO = "dpo"

_REGIONS = ("regions.view_region",)
_AUDIT = ("audit.view_accessevent", "audit.view_changeevent")
_PEOPLE = ("cases.view_person", "cases.view_case", "cases.view_household")
_CASEWORK = (
    "cases.add_person", "cases.change_person", "cases.add_household", "cases.change_household",
    "cases.add_case", "cases.change_case", "cases.add_visit", "cases.add_casenote",
    "cases.add_incidentinvolvement",
)  # fmt: skip
_REVEAL_ALL = ("cases.reveal_identity", "cases.reveal_contact")
# Requesting a document is further limited per kind (napiter/documents/kinds.py), e.g. a case report
# is requested by a supervisor of the office that owns the case.
_DOCUMENTS = ("documents.view_document",)
_SIGN = ("documents.sign_document",)
# DT-SEN extracts are loaded by supervisors (Dinsos, Kemensos) and the national BNPT coordinator.
_DTSEN_IMPORT = ("cases.add_dtsensnapshot", "cases.view_dtsensnapshot")
# Assistance: pendamping propose, deliver and monitor; supervisors also approve; others read.
_ASSISTANCE_VIEW = ("assistance.view_programme", "assistance.view_grant", "assistance.view_monitoringvisit")
_ASSISTANCE_WORK = ("assistance.add_grant", "assistance.change_grant", "assistance.add_monitoringvisit")
# Assessments: caseworkers see level, date and recommendation; item scores are for asesor and supervisor.
_ASSESSMENT_READ = ("assessments.view_assessment", "assessments.view_instrument")
_ITEM_SCORES = ("assessments.view_item_scores",)
_INSTRUMENTS = ("assessments.view_instrument", "assessments.add_instrument")
_SINERGI_VIEW = ("sinergi.view_ministry", "sinergi.view_actionplan", "sinergi.view_agreement")
# Data subject requests (UU 27/2022): the DPO anywhere, a supervisor for people in the office's scope.
_PRIVACY_REQUESTS = ("privacy.view_subjectrequest", "privacy.add_subjectrequest", "privacy.change_subjectrequest")

ROLES: dict[str, Role] = {
    r.name: r
    for r in [
        Role(
            PENDAMPING,
            _("Pendamping"),
            _("Mendaftarkan orang dan keluarga, mengelola kasus, kunjungan dan penyaluran bantuan di wilayah kantor."),
            (
                *_REGIONS,
                *_ASSISTANCE_VIEW,
                *_ASSISTANCE_WORK,
                *_PEOPLE,
                *_CASEWORK,
                *_REVEAL_ALL,
                *_DOCUMENTS,
                *_ASSESSMENT_READ,
            ),
        ),
        Role(
            SUPERVISOR,
            _("Supervisor"),
            _("Mengawasi kasus dan bantuan di wilayah kantor, menetapkan bantuan, menandatangani dokumen dan laporan."),
            (
                *_REGIONS,
                *_ASSISTANCE_VIEW,
                *_ASSISTANCE_WORK,
                "assistance.approve_grant",
                *_PEOPLE,
                *_CASEWORK,
                *_REVEAL_ALL,
                "cases.view_intelligence_note",
                *_ASSESSMENT_READ,
                *_ITEM_SCORES,
                *_DTSEN_IMPORT,
                *_DOCUMENTS,
                "documents.add_document",
                *_SIGN,
                *_PRIVACY_REQUESTS,
            ),
            needs_2fa=True,
        ),
        Role(
            KOORDINATOR,
            _("Koordinator BNPT"),
            _("Menelaah dan menyetujui rencana aksi K/L, mengelola instrumen asesmen, memantau secara nasional."),
            # Only the national coordinator records terror events and sees both sides of one event together.
            (
                *_REGIONS,
                *_ASSISTANCE_VIEW,
                *_PEOPLE,
                "cases.reveal_identity",
                "cases.add_incident",
                "cases.view_incident_links",
                *_ASSESSMENT_READ,
                *_INSTRUMENTS,
                *_DTSEN_IMPORT,
                *_DOCUMENTS,
                *_SIGN,
                *_SINERGI_VIEW,
                "sinergi.approve_actionplan",
                "sinergi.add_agreement",
            ),
            needs_2fa=True,
        ),
        Role(
            ASESOR,
            _("Asesor"),
            _("Melakukan asesmen tingkat radikalisme dan menyusun rekomendasi."),
            (
                *_REGIONS,
                *_ASSISTANCE_VIEW,
                *_PEOPLE,
                "cases.reveal_identity",
                *_DOCUMENTS,
                *_SIGN,
                *_ASSESSMENT_READ,
                *_ITEM_SCORES,
                "assessments.add_assessment",
                "assessments.change_assessment",
            ),
            needs_2fa=True,
        ),
        Role(
            PERENCANA,
            _("Perencana K/L"),
            _("Menyusun dan mengajukan rencana aksi K/L serta melaporkan realisasinya; tidak melihat data orang."),
            (
                *_REGIONS,
                *_SINERGI_VIEW,
                *_DOCUMENTS,
                "sinergi.add_actionplan",
                "sinergi.change_actionplan",
                "sinergi.add_realisationreport",
            ),
        ),
        Role(
            PEJABAT_KL,
            _("Pejabat Eselon II K/L"),
            _("Menandatangani berita acara kesepakatan rencana aksi K/L; tidak melihat data orang."),
            (*_REGIONS, *_SINERGI_VIEW, *_DOCUMENTS, *_SIGN),
            needs_2fa=True,
        ),
        Role(
            DPO,
            _("Pejabat Pelindungan Data Pribadi"),
            _(
                "Mengelola catatan pemrosesan, permintaan subjek data, retensi dan kegagalan pelindungan data"
                " (UU 27/2022); membuka data orang hanya untuk menjawab permintaan subjek data."
            ),
            (
                *_REGIONS,
                *_PEOPLE,
                # Judges the Pasal 15 exceptions (defence, security, law enforcement) for each access request.
                "cases.view_intelligence_note",
                *_DOCUMENTS,
                "documents.add_document",
                *_SIGN,
                *_PRIVACY_REQUESTS,
                "privacy.view_datacategory",
                "privacy.change_datacategory",
                "privacy.add_legalhold",
                "privacy.change_legalhold",
                "privacy.view_legalhold",
                "privacy.run_retention",
                "privacy.view_breachincident",
                "privacy.add_breachincident",
                "privacy.change_breachincident",
            ),
            needs_2fa=True,
        ),
        Role(
            AUDITOR,
            _("Auditor"),
            _("Memeriksa jejak audit: siapa membuka data apa dan kapan; tidak melihat isi kasus."),
            _AUDIT,
        ),
        Role(
            ADMIN,
            _("Administrator"),
            _("Mengelola kantor, pengguna, peran dan data referensi."),
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
                *_INSTRUMENTS,
                # Unlocking a locked-out account, and resetting a lost authenticator.
                "axes.view_accessattempt",
                "axes.delete_accessattempt",
                "otp_totp.view_totpdevice",
                "otp_totp.delete_totpdevice",
                *_AUDIT,
            ),
            needs_2fa=True,
        ),
    ]
}


class _HasRoles(Protocol):
    def role_names(self) -> list[str]: ...


def roles_of(user: _HasRoles) -> list[Role]:
    """The definitions of the roles `user` holds (label, description, whether a TOTP check is needed): what a
    user's own page lists and what the two-step rule reads. Not an access check: actions ask napiter.policy."""
    return [ROLES[name] for name in user.role_names() if name in ROLES]
