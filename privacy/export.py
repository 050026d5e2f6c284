"""Everything held about one person, for a data subject access request (Pasal 7 and 32 UU 27/2022).

The export is plain JSON: the machine-readable answer as it is, and the content of the signed PDF.

Intelligence notes: Pasal 15 ayat (1) UU 27/2022 exempts data processed for national defence and
security and for law enforcement from the subject's right of access. They are therefore never mixed into
the ordinary sections: they appear, in a section of their own marked as exempt, only when the officer
producing the export holds `cases.view_intelligence_note` (the DPO, a supervisor) and so can judge what,
if anything, is handed over; for anyone else they are left out without a trace (not even a count, which
would itself say that the person is watched).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cases.models import Case, CaseNote, DtsenRecord, Person
from napiter import policy
from napiter.accounts.models import User
from napiter.audit.models import AccessEvent
from napiter.documents.kinds import label_for
from napiter.documents.models import Document

EXEMPT_NOTE = (
    "Dikecualikan dari hak akses subjek data berdasarkan Pasal 15 ayat (1) UU 27/2022 (pertahanan dan keamanan "
    "nasional, penegakan hukum). Hanya untuk penilaian pejabat; tidak diserahkan kepada subjek data tanpa keputusan."
)


def _d(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def person_export(*, user: User, person: Person) -> dict[str, Any]:
    """The export as `user` may produce it; the caller has checked scope and logs the export."""
    person = Person.objects.select_related("domicile_region", "household__region", "registered_by_office").get(
        pk=person.pk
    )
    cases = list(Case.objects.filter(person=person).select_related("office", "caseworker").order_by("opened_on", "id"))
    data: dict[str, Any] = {
        "dibuat": _d(timezone.now()),
        "dibuat_oleh": _user_name(user),
        "orang": {
            "id": person.pk,
            "kategori": person.get_category_display(),
            "nik": person.nik or "",
            "nama_lengkap": person.full_name,
            "nama_alias": list(person.aliases),
            "jenis_kelamin": person.get_sex_display(),
            "tempat_lahir": person.birth_place,
            "tanggal_lahir": _d(person.birth_date),
            "domisili": f"{person.domicile_region.name} ({person.domicile_region.code})",
            "alamat": person.address,
            "telepon": person.phone,
            "foto_tersimpan": bool(person.photo),
            "status": person.get_status_display(),
            "dasar_hukum_pemrosesan": person.get_legal_basis_display(),
            "tanggal_persetujuan": _d(person.consent_date),
            "kantor_pendaftar": person.registered_by_office.name,
            "didaftarkan": _d(person.created_at),
        },
        "keluarga": _household(person),
        "kasus": [_case(c) for c in cases],
        "bantuan": _grants(person),
        "asesmen": _assessments(user, person),
        "dtsen": _dtsen(person),
        "dokumen": _documents(person),
        "akses_data": _access_events(person),
    }
    if policy.holds(user, "person.intelligence"):
        notes = CaseNote.objects.filter(case__person=person, is_intelligence=True).select_related("written_by")
        data["catatan_intelijen"] = {
            "keterangan": EXEMPT_NOTE,
            "catatan": [
                {"kasus": n.case_id, "ditulis": _d(n.written_at), "oleh": _user_name(n.written_by), "isi": n.body}
                for n in notes.order_by("written_at", "id")
            ],
        }
    return data


def _household(person: Person) -> dict[str, Any] | None:
    household = person.household
    if household is None:
        return None
    return {
        "nomor_kk": household.kk,
        "alamat_kk": household.address,
        "hubungan_dengan_kepala_keluarga": person.get_relation_to_head_display(),
        # Only how many others share the card: the other members' data is theirs, not this subject's.
        "jumlah_anggota_lain": household.members.exclude(pk=person.pk).count(),
    }


def _case(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "kantor": case.office.name,
        "pendamping": _user_name(case.caseworker),
        "tahap": case.get_stage_display(),
        "pendekatan": case.get_approach_display(),
        "tujuan": case.goals,
        "dibuka": _d(case.opened_on),
        "ditutup": _d(case.closed_on),
        "alasan_penutupan": case.get_closure_reason_display() if case.closure_reason else "",
        "riwayat_tahap": [
            {
                "waktu": _d(c.changed_at),
                "dari": c.get_from_stage_display() if c.from_stage else "",
                "ke": c.get_to_stage_display(),
                "catatan": c.note,
            }
            for c in case.stage_changes.order_by("changed_at", "id")
        ],
        "kunjungan": [
            {"tanggal": _d(v.visited_on), "tempat": v.place, "temuan": v.findings, "foto": v.photos.count()}
            for v in case.visits.order_by("visited_on", "id")
        ],
        "catatan": [
            {"ditulis": _d(n.written_at), "oleh": _user_name(n.written_by), "isi": n.body}
            for n in case.notes.filter(is_intelligence=False).select_related("written_by").order_by("written_at", "id")
        ],
        "rujukan": [
            {
                "jenis": r.get_kind_display(),
                "tujuan": r.to_office.name if r.to_office else r.to_organisation,
                "alasan": r.reason,
                "persetujuan_oleh": r.consent_by,
                "tanggal_persetujuan": _d(r.consent_date),
                "status": r.get_status_display(),
                "hasil": r.outcome,
                "dirujuk": _d(r.referred_at),
            }
            for r in case.referrals.select_related("to_office").order_by("referred_at", "id")
        ],
        "perpindahan": [
            {
                "dari": t.from_office.name,
                "ke": t.to_office.name,
                "alasan": t.reason,
                "status": t.get_status_display(),
                "diajukan": _d(t.requested_at),
                "diputuskan": _d(t.decided_at),
            }
            for t in case.transfers.select_related("from_office", "to_office").order_by("requested_at", "id")
        ],
    }


def _grants(person: Person) -> list[dict[str, Any]]:
    from assistance.models import Grant

    grants = (
        Grant.objects.filter(Q(person=person) | Q(members__person=person))
        .distinct()
        .select_related("programme", "office")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": g.pk,
            "program": g.programme.name,
            "kantor": g.office.name,
            "status": g.get_status_display(),
            "nilai": g.amount,
            "jenis_usaha": g.business_type,
            "sebagai": "penerima" if g.person_id == person.pk else "anggota kelompok",
            "tanggal_penyaluran": _d(g.delivered_on),
            "riwayat": [
                {"waktu": _d(e.at), "status": e.get_to_status_display(), "catatan": e.note}
                for e in g.events.order_by("at", "id")
            ],
            "pemantauan": [
                {
                    "bulan_ke": m.month,
                    "tanggal": _d(m.visited_on),
                    "usaha_berjalan": m.business_running,
                    "omzet_per_bulan": m.monthly_revenue,
                    "kendala": m.problems,
                }
                for m in g.monitoring_visits.order_by("visited_on", "id")
            ],
        }
        for g in grants
    ]


def _assessments(user: User, person: Person) -> list[dict[str, Any]]:
    from assessments.models import Assessment

    item_scores = policy.holds(user, "assessment.view_items")
    assessments = (
        Assessment.objects.submitted()
        .filter(person=person)
        .select_related("version__instrument", "computed_band", "judged_band", "assessor")
        .order_by("assessed_on", "id")
    )
    rows = []
    for a in assessments:
        row: dict[str, Any] = {
            "tanggal": _d(a.assessed_on),
            "instrumen": str(a.version.instrument),
            "tujuan": a.get_purpose_display(),
            "tingkat": a.level.label if a.level else "",
            "rekomendasi": a.get_recommendation_display() if a.recommendation else "",
            "catatan_rekomendasi": a.recommendation_notes,
            "asesor": _user_name(a.assessor),
        }
        if item_scores:
            row["butir"] = [
                {"butir": str(r.item), "nilai": str(r.value) if r.value is not None else None, "catatan": r.evidence}
                for r in a.ratings.select_related("item").order_by("item_id")
            ]
        rows.append(row)
    return rows


def _dtsen(person: Person) -> list[dict[str, Any]]:
    if not person.nik:
        return []
    records = DtsenRecord.objects.filter(nik=person.nik).select_related("snapshot").order_by("snapshot__snapshot_date")
    return [
        {
            "tanggal_data": _d(r.snapshot.snapshot_date),
            "desil": r.decile,
            "terindikasi_jaringan_terorisme": r.flag_terror_network,
            "terindikasi_judi_daring": r.flag_online_gambling,
        }
        for r in records
    ]


def _documents(person: Person) -> list[dict[str, Any]]:
    documents = Document.objects.filter(person_ids__contains=[person.pk]).select_related("office")
    return [
        {
            "nomor": d.number,
            "jenis": label_for(d.kind),
            "kantor": d.office.name,
            "status": d.get_status_display(),
            "diminta": _d(d.requested_at),
            "sha256": d.sha256,
        }
        for d in documents.order_by("requested_at", "id")
    ]


def _access_events(person: Person) -> list[dict[str, Any]]:
    events = AccessEvent.objects.filter(person_id=person.pk).order_by("id")
    return [
        {
            "waktu": _d(e.created_at),
            "pengguna": e.username,
            "kantor": e.office_name,
            "tindakan": e.get_action_display(),
            "objek": e.object_type,
            "data_dibuka": list(e.fields_revealed),
            "alasan": e.reason,
        }
        for e in events
    ]
