"""Who may do what, on which record: every action of the application, declared once.

An action is named `<record>.<verb>` (`person.view`, `grant.approve`, `subject_request.fulfil`). Its entry
says which roles hold it and the scope rule that decides *which records* those roles reach:

- `public`: anyone, signed in or not (the login page, the public verification page);
- `signed_in`: any signed-in user, whatever the role (their own dashboard, the API root);
- `reference`: reference data, the same for everyone holding the action (regions, programmes, instruments);
- `territory`: records of people domiciled in the office's jurisdiction (a national BNPT or Kemensos office:
  the whole country), plus those shared with the user or the office explicitly (referral, transfer);
- `subject`: a document follows its subject's rule: a case report where its case is, a BAST where its grant
  is, an agreement where its plans are; the signers of a document see what they must sign;
- `own`: records the user wrote, and, for a supervisor, those written in the supervisor's office (drafts);
- `sinergi`: action plans, agreements and addenda: BNPT sees all, a ministry its own;
- `privacy`: the data protection officer's registers (national);
- `audit`: the audit trail (national).

The roles themselves (groups with their Django model permissions, used by the admin and by the object grants)
are in `napiter.accounts.roles`; views, services, templates and commands ask `napiter.policy`, never a role name
or a permission string (tests/platform/test_policy_only.py enforces it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from napiter.accounts import roles


class Scope(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    REFERENCE = "reference"
    TERRITORY = "territory"
    SUBJECT = "subject"
    OWN = "own"
    SINERGI = "sinergi"
    PRIVACY = "privacy"
    AUDIT = "audit"


@dataclass(frozen=True)
class Action:
    name: str
    roles: frozenset[str]
    scope: Scope
    description: str

    @property
    def open_to_all(self) -> bool:
        return self.scope in (Scope.PUBLIC, Scope.SIGNED_IN)


def _r(*names: str) -> frozenset[str]:
    return frozenset(names)


ALL = frozenset(roles.ROLES)
PEOPLE = _r(roles.PENDAMPING, roles.SUPERVISOR, roles.KOORDINATOR, roles.ASESOR)
CASEWORK = _r(roles.PENDAMPING, roles.SUPERVISOR)
SUPERVISOR = _r(roles.SUPERVISOR)
ASESOR = _r(roles.ASESOR)
SINERGI = _r(roles.KOORDINATOR, roles.PERENCANA, roles.PEJABAT_KL)
PLANNER = _r(roles.PERENCANA)
COORDINATOR = _r(roles.KOORDINATOR)
DPO = _r(roles.DPO)
AUDITORS = _r(roles.AUDITOR, roles.ADMIN)
# Who a document can concern at all: people's documents for the people roles, sinergi documents for the
# sinergi roles, the DPO's own notification letters; each document then follows its subject's rule.
DOCUMENT_READERS = PEOPLE | SINERGI | DPO
SIGNERS = _r(roles.SUPERVISOR, roles.KOORDINATOR, roles.ASESOR, roles.PEJABAT_KL, roles.DPO)

_ACTIONS = [
    # Open doors
    Action("public", frozenset(), Scope.PUBLIC, "Tanpa masuk: halaman masuk, verifikasi dokumen publik."),
    Action("signed_in", ALL, Scope.SIGNED_IN, "Setiap pengguna yang sudah masuk: dasbor sendiri, akun sendiri."),
    Action("region.view", ALL - {roles.AUDITOR}, Scope.REFERENCE, "Melihat wilayah Kemendagri."),
    # People, households, cases
    Action("person.view", PEOPLE, Scope.TERRITORY, "Melihat orang, keluarga dan kasus di wilayah kantor."),
    Action("person.register", CASEWORK, Scope.TERRITORY, "Mendaftarkan orang (formulir, API, impor Excel)."),
    Action("person.edit", CASEWORK, Scope.TERRITORY, "Mengubah data orang dan fotonya."),
    Action("person.reveal", PEOPLE, Scope.TERRITORY, "Membuka NIK, KK, alamat atau telepon dengan alasan."),
    Action("person.reveal_contact", CASEWORK, Scope.TERRITORY, "Membuka alamat dan telepon dengan alasan."),
    Action("person.export", _r(roles.PENDAMPING, roles.SUPERVISOR, roles.KOORDINATOR), Scope.TERRITORY,
           "Mengekspor daftar kerja orang (NIK tersamar)."),
    Action("person.intelligence", _r(roles.SUPERVISOR, roles.DPO), Scope.TERRITORY,
           "Membaca catatan intelijen tentang seseorang."),
    Action("dtsen.import", _r(roles.SUPERVISOR, roles.KOORDINATOR), Scope.TERRITORY, "Memuat ekstrak DT-SEN."),
    Action("incident.record", COORDINATOR, Scope.TERRITORY, "Mencatat peristiwa terorisme (nasional)."),
    # Any caseworker links a person they may see to a recorded event, as perpetrator or victim.
    Action("incident.link", CASEWORK, Scope.TERRITORY, "Menautkan orang ke peristiwa sebagai pelaku atau korban."),
    Action("incident.view_links", COORDINATOR, Scope.TERRITORY, "Melihat pelaku dan korban satu peristiwa."),
    Action("case.open", CASEWORK, Scope.TERRITORY, "Membuka kasus bagi orang yang belum punya kasus terbuka."),
    Action("case.work", CASEWORK, Scope.TERRITORY,
           "Mengelola kasus: tahap, kunjungan, catatan, rencana, rujukan, perpindahan, penutupan."),
    Action("case.due", CASEWORK, Scope.TERRITORY, "Daftar kunjungan jatuh tempo."),
    # A supervisor answers for every case of the office; a caseworker for the cases assigned to them.
    Action("case.oversee", SUPERVISOR, Scope.TERRITORY,
           "Mengawasi seluruh kasus kantor (daftar jatuh tempo seluruh kantor), bukan hanya kasus sendiri."),
    # Assistance
    Action("programme.view", PEOPLE, Scope.REFERENCE, "Melihat program bantuan."),
    Action("grant.view", PEOPLE, Scope.TERRITORY, "Melihat bantuan orang di wilayah kantor."),
    Action("grant.export", PEOPLE, Scope.TERRITORY, "Mengekspor daftar bantuan."),
    Action("grant.work", CASEWORK, Scope.TERRITORY,
           "Mengusulkan, memverifikasi, menyalurkan dan memantau bantuan."),
    Action("grant.approve", SUPERVISOR, Scope.TERRITORY, "Menetapkan atau menolak bantuan; menanggapi peringatan."),
    # Assessments
    Action("instrument.view", PEOPLE | {roles.ADMIN}, Scope.REFERENCE, "Melihat instrumen asesmen."),
    Action("instrument.manage", _r(roles.KOORDINATOR, roles.ADMIN), Scope.REFERENCE,
           "Memuat dan mengekspor instrumen asesmen."),
    Action("assessment.view", PEOPLE, Scope.TERRITORY,
           "Melihat asesmen yang diajukan; draf hanya oleh penyusunnya dan supervisor kantornya."),
    Action("assessment.view_items", _r(roles.SUPERVISOR, roles.ASESOR), Scope.TERRITORY,
           "Melihat nilai butir asesmen."),
    Action("assessment.write", ASESOR, Scope.OWN, "Mengisi, mengajukan dan mengubah asesmen sendiri."),
    Action("assessment.view_office_drafts", SUPERVISOR, Scope.OWN,
           "Melihat draf asesmen yang disusun di kantornya sendiri."),
    # Documents
    Action("document.view", DOCUMENT_READERS, Scope.SUBJECT,
           "Melihat dan mengunduh dokumen menurut aturan subjeknya; penanda tangan melihat yang ditandatanganinya."),
    Action("document.request", DOCUMENT_READERS, Scope.SUBJECT, "Meminta dokumen; tiap jenis menyebut siapa."),
    Action("document.sign", DOCUMENT_READERS, Scope.SUBJECT, "Menandatangani dokumen yang menunggu tanda tangannya."),
    # The roles an officer must hold to be named as a signer at all (the pendamping and the K/L planner are not).
    Action("signature.give", SIGNERS, Scope.SUBJECT,
           "Berwenang menandatangani dokumen secara elektronik (pejabat penanda tangan)."),
    # Who requests each kind, besides its office and record conditions (napiter/documents/kinds.py and each
    # app's kinds.py): a case report by a supervisor of the office owning the case, a BAST by a caseworker of
    # the proposing office.
    Action("case_report.request", SUPERVISOR, Scope.SUBJECT, "Meminta laporan kasus: supervisor kantor pemilik kasus."),
    Action("bast.request", CASEWORK, Scope.SUBJECT,
           "Meminta BAST bantuan: petugas kantor pengusul, setelah penyaluran dicatat."),
    # Dashboards and reports
    Action("dashboard.map", PEOPLE | SINERGI, Scope.TERRITORY, "Peta dan tabel provinsi."),
    Action("report.view", PEOPLE, Scope.TERRITORY, "Laporan periodik kantor."),
    Action("report.create", SUPERVISOR, Scope.TERRITORY, "Menyusun dan meminta laporan periodik."),
    # Sinergi
    Action("plan.view", SINERGI, Scope.SINERGI, "Melihat rencana aksi, kesepakatan dan adendum."),
    Action("plan.write", PLANNER, Scope.SINERGI, "Menyusun, mengimpor, mengajukan rencana aksi; realisasi; adendum."),
    Action("plan.review", COORDINATOR, Scope.SINERGI, "Menyetujui atau mengembalikan rencana aksi dan adendum."),
    # The planner reaches the API's approve and return so that the service answers 403 with its reason.
    Action("plan.review_api", _r(roles.KOORDINATOR, roles.PERENCANA), Scope.SINERGI,
           "Menyetujui atau mengembalikan lewat API (perencana ditolak layanan dengan 403)."),
    Action("agreement.create", COORDINATOR, Scope.SINERGI, "Menyusun berita acara kesepakatan."),
    # Privacy (UU 27/2022)
    Action("subject_request.view", _r(roles.DPO, roles.SUPERVISOR), Scope.TERRITORY,
           "Melihat permintaan subjek data: DPO nasional, supervisor di wilayah kantor."),
    Action("subject_request.file", _r(roles.DPO, roles.SUPERVISOR), Scope.TERRITORY,
           "Mencatat permintaan subjek data bagi orang di wilayah kantor (DPO: nasional)."),
    Action("subject_request.fulfil", DPO, Scope.PRIVACY,
           "Menyusun dan mengunduh ekspor data subjek, menutup permintaan: hanya DPO."),
    Action("privacy.manage", DPO, Scope.PRIVACY,
           "Catatan pemrosesan, retensi, penahanan hukum, insiden pelindungan data."),
    # Audit
    Action("audit.view", AUDITORS, Scope.AUDIT, "Membaca jejak audit akses dan perubahan."),
]  # fmt: skip

ACTIONS: dict[str, Action] = {a.name: a for a in _ACTIONS}
