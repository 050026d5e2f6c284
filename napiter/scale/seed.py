"""A synthetic national dataset for measuring the system at scale (`manage.py seed_scale --people N`).

What it builds, for N people: households of one to six members on real Kemendagri villages of every province,
valid NIK and KK numbers, one case per person spread over every stage (closed ones with their reason), the
case's opening in the stage history, about three visits and two submitted assessments per person, about one
grant per person in every grant state (with the decree, delivery date or refusal reason each state requires)
and its history, and N/100 action plans (at most 10,000). One Dinsos office per province plus a national
Kemensos office carry the data, each with a caseworker (the national office also with a supervisor and an
assessor), so scoped and national users can be measured. The very first person of the set has a long history
(many visits, assessments and grants): the person-page benchmark opens that record.

How it is kept apart from demo and real data: every scale office code starts with `SKL-`, every scale
user name with `skala.`, and every scale person is registered by a scale office (`is_demo` stays False:
this is not demo data). `seed_demo` knows these markers and still runs on a database holding scale data;
seed_scale itself needs the demo's reference data (the assessment instrument) and so runs after it.

Idempotent: a second run with the same N finds N scale people and does nothing; a different N is refused
(the set is built in one transaction, so a failed run leaves nothing behind).

Audit trail: the bulk tables are loaded with COPY while the row-level change trigger of exactly those
tables is disabled inside the loading transaction (ALTER TABLE is transactional: no other session ever
sees the trigger off, it waits for the lock instead). Writing one hash-chained audit row per synthetic
row multiplied the load time (see README, "Performance") and would bury the real trail under millions of
entries; the DT-SEN import takes the same decision for its bulk table (napiter.audit.tables.EXEMPT_TABLES).
Instead the audited `accounts_agency` marker row `skala-data` is written in the same transaction with the
row counts in its name, so the change log records who loaded how much, and when. Offices, users and
programmes are created through the services, with their normal audit rows. Every other database rule
(foreign keys, check and unique constraints) applies to the COPY as to any insert.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, Q
from django.utils import timezone

from napiter.accounts import roles
from napiter.accounts.models import Agency, Office, User
from napiter.accounts.services import agency_upsert, office_upsert, user_upsert
from napiter.audit.operations import ROW_TRIGGER
from napiter.regions.models import Region

OFFICE_PREFIX = "SKL-"
USERNAME_PREFIX = "skala."
MARKER_AGENCY = "skala-data"
NATIONAL_OFFICE = "SKL-KEMENSOS"
NATIONAL_USER = "skala.nasional"
NATIONAL_SUPERVISOR = "skala.supervisor"
MAX_PLANS = 10_000
LONG_TIMELINE_VISITS = 150

FIRST_NAMES_M = (
    "Ahmad",
    "Muhammad",
    "Abdul",
    "Agus",
    "Budi",
    "Joko",
    "Slamet",
    "Hendra",
    "Rudi",
    "Eko",
    "Dedi",
    "Yusuf",
    "Ridwan",
    "Faisal",
    "Arif",
    "Bayu",
    "Dimas",
    "Fajar",
    "Hadi",
    "Imam",
    "Irfan",
    "Iwan",
    "Kurniawan",
    "Lukman",
    "Mulyadi",
    "Nur",
    "Rahmat",
    "Rizky",
    "Sutrisno",
    "Taufik",
    "Wahyu",
    "Yudi",
    "Zainal",
    "Hasan",
    "Umar",
    "Ali",
    "Ilham",
    "Bambang",
    "Darmawan",
    "Gunawan",
)
FIRST_NAMES_F = (
    "Siti",
    "Nur",
    "Dewi",
    "Sri",
    "Rina",
    "Fitri",
    "Aisyah",
    "Fatimah",
    "Ratna",
    "Wulan",
    "Lestari",
    "Indah",
    "Yuliana",
    "Maya",
    "Putri",
    "Ani",
    "Endang",
    "Dian",
    "Eka",
    "Lina",
    "Mega",
    "Nurul",
    "Rahma",
    "Sari",
    "Tuti",
    "Umi",
    "Wati",
    "Yanti",
    "Zahra",
    "Khadijah",
    "Aminah",
    "Ayu",
    "Desi",
    "Evi",
    "Hana",
    "Intan",
    "Kartini",
)
LAST_NAMES = (
    "Hidayat",
    "Saputra",
    "Santoso",
    "Wijaya",
    "Pratama",
    "Setiawan",
    "Nugroho",
    "Hakim",
    "Kusuma",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Simanjuntak",
    "Tanjung",
    "Rahman",
    "Hasibuan",
    "Sembiring",
    "Ginting",
    "Purba",
    "Wibowo",
    "Susanto",
    "Hartono",
    "Gunadi",
    "Syahputra",
    "Maulana",
    "Firmansyah",
    "Ramadhan",
    "Hakiki",
    "Sulistyo",
    "Prasetyo",
    "Kurnia",
    "Salim",
    "Basri",
    "Abdullah",
    "Ismail",
    "Yusuf",
    "Daulay",
    "Manurung",
    "Pohan",
    "Lubis",
    "Tambunan",
    "Matondang",
    "Rangkuti",
    "Batubara",
    "Efendi",
    "Anwar",
    "Fauzi",
    "Latif",
)
STREETS = (
    "Merdeka",
    "Sudirman",
    "Diponegoro",
    "Pahlawan",
    "Melati",
    "Mawar",
    "Kenanga",
    "Flamboyan",
    "Cempaka",
    "Anggrek",
    "Veteran",
    "Masjid",
)
BUSINESSES = (
    "Warung kelontong",
    "Kantin sekolah",
    "Ternak ayam",
    "Bengkel motor",
    "Cuci mobil",
    "Jahit pakaian muslim",
    "Kios pulsa",
    "Ternak kambing",
)
PLACES = ("Rumah klien", "Rumah keluarga", "Kantor desa", "Tempat usaha klien", "Kantor Dinas Sosial")
FINDINGS = (
    "Klien kooperatif; usaha berjalan; keluarga mendukung.",
    "Klien mengikuti pengajian umum di desa; hubungan dengan tetangga baik.",
    "Usaha sempat berhenti karena modal; disarankan pembukuan sederhana.",
    "Anak-anak bersekolah; istri membantu usaha.",
    "Klien menghadiri kegiatan kelompok dukungan sebaya.",
)
STAGES = ("identifikasi", "rehabilitasi", "reedukasi", "reintegrasi", "pemantauan", "ditutup")
STAGE_WEIGHTS = (12, 18, 20, 20, 22, 8)
CLOSURE_REASONS = ("reintegrasi", "pindah_luar_negeri", "ditangkap_kembali", "meninggal")
APPROACHES = ("residensial", "keluarga", "komunitas")
ATENSI = ("hidup_layak", "perawatan", "dukungan_keluarga", "terapi", "vokasional", "bansos", "aksesibilitas")
GRANT_STATUSES = ("usulan", "verifikasi", "ditetapkan", "disalurkan", "dipantau", "selesai", "ditolak", "dibatalkan")
GRANT_WEIGHTS = (10, 8, 8, 20, 24, 22, 5, 3)
PURPOSES = ("awal", "berkala", "pasca_bantuan")
RECOMMENDATIONS = ("rehabilitasi", "reedukasi", "reintegrasi")
PLAN_CATEGORIES_FISIK = ("sumur_bor", "penerangan_jalan", "perbaikan_jalan", "renovasi_rumah", "elektrifikasi")
PLAN_CATEGORIES_NON_FISIK = ("pelatihan_kewirausahaan", "modal_usaha", "pendidikan", "kesehatan", "moderasi_beragama")
PLAN_STATUSES = ("draf", "diajukan", "dikembalikan", "disetujui")
TODAY = dt.date(2026, 11, 1)


class ScaleSeedError(Exception):
    """The database cannot take the requested scale set (wrong size already there, reference data missing)."""


@dataclass
class ScaleResult:
    people: int
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


def scale_people_q(prefix: str = "") -> Q:
    """Selects the scale people (registered by a scale office); `prefix` reaches them from another model."""
    return Q(**{f"{prefix}registered_by_office__code__startswith": OFFICE_PREFIX})


def scale_usernames() -> list[str]:
    return list(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", flat=True))


def scale_people_count() -> int:
    from cases.models import Person

    return Person.objects.filter(scale_people_q()).count()


def long_timeline_person_id() -> int | None:
    """The scale person with the long history (the first one loaded)."""
    from cases.models import Person

    return Person.objects.filter(scale_people_q()).order_by("id").values_list("id", flat=True).first()


# --- COPY plumbing ------------------------------------------------------------------------------------------


class _LineStream(io.RawIOBase):
    """A readable file over an iterator of COPY text lines, so rows stream into COPY without a buffer."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        while len(self._pending) < size:
            chunk = "".join(line for _, line in zip(range(2000), self._lines, strict=False))
            if not chunk:
                break
            self._pending += chunk.encode()
        data, self._pending = self._pending[:size], self._pending[size:]
        buffer[: len(data)] = data
        return len(data)


def _default_text(model_field: Field[Any, Any]) -> str | None:
    """A column the generator does not fill gets the model's default (None: the column's NULL)."""
    if model_field.null:
        return None
    value = model_field.get_default()
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (str, int)):
        return str(value)
    if isinstance(value, list) and not value:
        return "[]" if model_field.get_internal_type() == "JSONField" else "{}"
    if isinstance(value, dict) and not value:
        return "{}"
    raise ScaleSeedError(f"Kolom {model_field.column} tidak memiliki nilai bawaan yang dapat dimuat massal.")


def _copy(table: str, columns: Sequence[str], lines: Iterator[str]) -> None:
    """COPY `lines` into `table`; columns added to the model later are filled with their defaults."""
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extra = [
        (f.column, _default_text(f))
        for f in model._meta.concrete_fields
        if f.column not in columns and f.column != "id"
    ]
    filled = [(column, value) for column, value in extra if value is not None]
    if filled:
        suffix = "\t" + "\t".join(value for _, value in filled) + "\n"
        lines = (line[:-1] + suffix for line in lines)
    names = [*columns, *(column for column, _ in filled)]
    sql = f"COPY {connection.ops.quote_name(table)} ({', '.join(names)}) FROM STDIN"
    counted = _Counted(lines)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, io.BufferedReader(_LineStream(counted), buffer_size=1 << 20))
    LOADED[table] = LOADED.get(table, 0) + counted.count


class _Counted(Iterator[str]):
    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.count = 0

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


LOADED: dict[str, int] = {}


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _sync_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(max(id), 1)) "  # noqa: S608 - our table names
            f"FROM {connection.ops.quote_name(table)}",
            [table],
        )


def _line(values: Iterable[object]) -> str:
    """One COPY text row. The generated strings never hold tabs, newlines or backslashes."""
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


def _pg_array(values: Iterable[str]) -> str:
    return "{" + ",".join(values) + "}"


# --- the dataset ------------------------------------------------------------------------------------------


@dataclass
class _Villages:
    codes: list[str]
    names: dict[str, str]  # village and regency names by code

    @classmethod
    def load(cls) -> _Villages:
        codes = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").values_list("code", flat=True))
        names = dict(
            Region.objects.filter(level__in=[Region.Level.REGENCY, Region.Level.VILLAGE]).values_list("code", "name")
        )
        return cls(codes, names)


@dataclass
class _Staff:
    offices: dict[str, Office]  # province code -> scale Dinsos office
    caseworkers: dict[str, User]
    supervisor: User
    national: User
    assessor: User


def _staff(provinces: Sequence[Region]) -> _Staff:
    """Offices and users through the ordinary services (audited rows): a caseworker per province office, and
    a national caseworker, supervisor and assessor."""
    password = settings.DEMO_PASSWORD
    offices: dict[str, Office] = {}
    caseworkers: dict[str, User] = {}
    for province in provinces:
        code = province.code
        agency = agency_upsert(
            code=f"skala-dinsos-{code}",
            name=f"Dinas Sosial {province.name} (uji skala)",
            kind=Agency.Kind.DINSOS_PROVINCE,
        )
        office = office_upsert(
            code=f"{OFFICE_PREFIX}DINSOS-{code}",
            agency=agency,
            name=f"Dinas Sosial Provinsi {province.name} (uji skala)",
            jurisdiction=Office.Jurisdiction.PROVINCE,
            region_code=code,
            timezone=_zone(code),
        )
        offices[code] = office
        caseworkers[code] = user_upsert(
            username=f"{USERNAME_PREFIX}pendamping.{code}", office=office, role=roles.PENDAMPING, password=password,
            first_name="Pendamping", last_name=f"Uji {code}", position="Pendamping Rehabilitasi Sosial",
        )  # fmt: skip
    agency = agency_upsert(code="skala-kemensos", name="Kemensos (uji skala)", kind=Agency.Kind.KEMENSOS)
    national_office = office_upsert(
        code=NATIONAL_OFFICE, agency=agency, name="Direktorat Rehabilitasi Sosial (uji skala)",
        jurisdiction=Office.Jurisdiction.NATIONAL, region_code=None, timezone=Office.TimeZone.WIB,
    )  # fmt: skip
    national = user_upsert(
        username=NATIONAL_USER, office=national_office, role=roles.PENDAMPING, password=password,
        first_name="Pendamping", last_name="Nasional", position="Pekerja Sosial Ahli",
    )  # fmt: skip
    supervisor = _national_supervisor(national_office)
    assessor = user_upsert(
        username=f"{USERNAME_PREFIX}asesor", office=national_office, role=roles.ASESOR, password=password,
        first_name="Asesor", last_name="Uji", position="Asesor Deradikalisasi",
    )  # fmt: skip
    return _Staff(offices, caseworkers, supervisor, national, assessor)


def _national_supervisor(national_office: Office) -> User:
    """One supervisor approves for every office (each account costs a deliberately slow password hash), and
    asks for and signs the national office's periodic report. Created when missing, also on a scale set
    built before it existed; left as it is otherwise."""
    existing = User.objects.filter(username=NATIONAL_SUPERVISOR).first()
    if existing is not None:
        return existing
    return user_upsert(
        username=NATIONAL_SUPERVISOR, office=national_office, role=roles.SUPERVISOR, password=settings.DEMO_PASSWORD,
        first_name="Supervisor", last_name="Nasional", position="Kepala Subdirektorat Rehabilitasi Sosial",
    )  # fmt: skip


WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})


def _zone(province: str) -> str:
    if province in WITA_PROVINCES:
        return Office.TimeZone.WITA
    return Office.TimeZone.WIT if province[0] in {"8", "9"} else Office.TimeZone.WIB


@dataclass
class _People:
    """What later tables need to know about each person, by position (person id = first_id + position)."""

    first_id: int
    provinces: list[str] = field(default_factory=list)
    birth: list[int] = field(default_factory=list)  # date ordinals
    head: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.provinces)

    def is_child(self, i: int) -> bool:
        return self.birth[i] > ADULT_BIRTH


ADULT_BIRTH = TODAY.replace(year=TODAY.year - 18).toordinal()


def _load_people(rng: random.Random, villages: _Villages, staff: _Staff, total: int, exclude: set[str]) -> _People:
    household_first = _next_id("cases_household")
    person_first = _next_id("cases_person")
    people = _People(person_first)
    households: list[str] = []
    persons: list[str] = []
    nik_serials: dict[str, int] = {}
    now = timezone.now().isoformat()
    hh_serial = 0

    def nik(prefix: str, birth: dt.date, female: bool) -> str:
        key = f"{prefix}{birth.day + (40 if female else 0):02d}{birth:%m%y}"
        while True:
            serial = nik_serials.get(key, 0) + 1
            nik_serials[key] = serial
            number = f"{key}{serial:04d}"
            if number not in exclude:
                return number

    def flush() -> None:
        _copy("cases_household", HOUSEHOLD_COLUMNS, iter(households))
        _copy("cases_person", PERSON_COLUMNS, iter(persons))
        households.clear()
        persons.clear()

    household_id = household_first
    while len(people) < total:
        village = villages.codes[rng.randrange(len(villages.codes))]
        province = village[:2]
        prefix = village[:8].replace(".", "")
        size = min(total - len(people), rng.choices((1, 2, 3, 4, 5, 6), (18, 22, 22, 20, 12, 6))[0])
        victims = rng.random() < 0.3
        head_category = (
            rng.choice(("korban_langsung", "korban_masa_lalu"))
            if victims
            else rng.choices(("eks_napiter", "deportan", "returnis"), (85, 8, 7))[0]
        )
        while True:
            hh_serial += 1
            kk = f"{prefix}{hh_serial % 1_000_000:06d}{hh_serial // 1_000_000 + 1:04d}"
            if kk not in exclude:
                break
        street = f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 199)}, {villages.names.get(village, '')}"
        households.append(_line((household_id, kk, street, village, now)))
        last_name = rng.choice(LAST_NAMES)
        head_birth = dt.date.fromordinal(
            rng.randint(dt.date(1958, 1, 1).toordinal(), dt.date(1998, 12, 31).toordinal())
        )
        for member in range(size):
            if member == 0:
                relation, category, birth, female = "kepala", head_category, head_birth, rng.random() < 0.1
            elif member == 1:
                relation, female = "pasangan", True
                birth = head_birth + dt.timedelta(days=rng.randint(-1500, 2500))
                category = "korban_tidak_langsung" if victims else "keluarga"
            else:
                relation, female = "anak", rng.random() < 0.5
                birth = head_birth + dt.timedelta(days=rng.randint(7300, 12000))
                birth = min(birth, TODAY - dt.timedelta(days=400))
                child = birth.toordinal() > ADULT_BIRTH
                category = (
                    "korban_tidak_langsung"
                    if victims
                    else ("anak_terpapar" if child and rng.random() < 0.25 else "keluarga")
                )
            first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            middle = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            name = f"{first} {middle} {last_name}" if rng.random() < 0.6 else f"{first} {last_name}"
            consent = rng.random() < 0.4
            regency = villages.names.get(village[:5], "")
            persons.append(
                _line((
                    people.first_id + len(people), category, nik(prefix, birth, female), name, "{}",
                    "P" if female else "L", regency, birth.isoformat(), village, street,
                    f"08{rng.randint(110000000, 999999999)}", household_id, relation, _person_status(rng),
                    "persetujuan" if consent else "kewajiban_hukum",
                    (TODAY - dt.timedelta(days=rng.randint(30, 2000))).isoformat() if consent else None,
                    staff.offices[province].pk, "f", now, now,
                ))
            )  # fmt: skip
            people.provinces.append(province)
            people.birth.append(birth.toordinal())
            people.head.append(member == 0)
        household_id += 1
        if len(persons) >= 50_000:
            flush()
    flush()
    _sync_sequence("cases_household")
    _sync_sequence("cases_person")
    return people


def _person_status(rng: random.Random) -> str:
    roll = rng.random()
    return "aktif" if roll < 0.93 else ("tidak_aktif" if roll < 0.99 else "meninggal")


HOUSEHOLD_COLUMNS = ("id", "kk", "address", "region_id", "created_at")
PERSON_COLUMNS = (
    "id", "category", "nik", "full_name", "aliases", "sex", "birth_place", "birth_date", "domicile_region_id",
    "address", "phone", "household_id", "relation_to_head", "status", "legal_basis", "consent_date",
    "registered_by_office_id", "is_demo", "created_at", "updated_at",
)  # fmt: skip
CASE_COLUMNS = (
    "id", "person_id", "office_id", "caseworker_id", "stage", "approach", "atensi_planned", "atensi_given", "goals",
    "opened_on", "next_review_on", "closed_on", "closure_reason", "is_demo",
)  # fmt: skip
STAGE_CHANGE_COLUMNS = ("case_id", "from_stage", "to_stage", "changed_at", "changed_by_id", "note")
VISIT_COLUMNS = ("case_id", "visited_on", "place", "findings", "visited_by_id", "created_at")
GRANT_COLUMNS = (
    "id", "programme_id", "person_id", "group_name", "office_id", "status", "amount", "business_type",
    "justification", "checks", "checks_passed", "decree_number", "decree_date", "delivered_on", "supplier",
    "location", "kiosk_stock", "delivery_photo", "recipient_signature", "reason", "proposed_by_id",
    "approved_by_id", "created_at", "updated_at", "is_demo",
)  # fmt: skip
GRANT_EVENT_COLUMNS = ("grant_id", "from_status", "to_status", "at", "by_id", "note")
ASSESSMENT_COLUMNS = (
    "person_id", "version_id", "assessor_id", "office_id", "assessed_on", "purpose", "sources", "status", "score",
    "max_score", "missing_count", "computed_band_id", "judged_band_id", "judgement_reason", "recommendation",
    "aid_eligible", "recommendation_notes", "next_review_on", "amends_id", "version_number",
    "second_opinion_of_id", "submitted_at", "created_at", "updated_at",
)  # fmt: skip
PLAN_COLUMNS = (
    "ministry_id", "unit_id", "year", "title", "description", "plan_type", "category", "province_id", "regency_id",
    "village_id", "target_mitra", "target_families", "target_victims", "budget", "funding_source", "start_on",
    "end_on", "output_indicator", "output_target", "output_unit", "pillar", "status", "agreement_id",
    "created_by_id", "created_at", "updated_at",
)  # fmt: skip


def _ts(day: dt.date, rng: random.Random) -> str:
    return f"{day.isoformat()} {rng.randint(1, 9):02d}:{rng.randint(0, 59):02d}:00+07"


def _cases(rng: random.Random, people: _People, staff: _Staff) -> list[int]:
    """One case per person; returns each case's opening date (ordinal)."""
    first_case = _next_id("cases_case")
    opened: list[int] = []
    stages: list[str] = []
    start, end = dt.date(2019, 1, 1).toordinal(), (TODAY - dt.timedelta(days=30)).toordinal()

    def cases() -> Iterator[str]:
        for i in range(len(people)):
            province = people.provinces[i]
            day = dt.date.fromordinal(rng.randint(min(max(start, people.birth[i] + 30), end), end))
            opened.append(day.toordinal())
            stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
            stages.append(stage)
            closed = stage == "ditutup"
            planned = sorted(rng.sample(ATENSI, rng.randint(1, 4)))
            yield _line((
                first_case + i, people.first_id + i, staff.offices[province].pk, staff.caseworkers[province].pk,
                stage, rng.choice(APPROACHES), _pg_array(planned), _pg_array(planned[: rng.randint(0, len(planned))]),
                "Kemandirian ekonomi dan penerimaan masyarakat.", day.isoformat(),
                (day + dt.timedelta(days=182)).isoformat(),
                (day + dt.timedelta(days=rng.randint(200, 700))).isoformat() if closed else None,
                rng.choice(CLOSURE_REASONS) if closed else "", "f",
            ))  # fmt: skip

    _copy("cases_case", CASE_COLUMNS, cases())
    _sync_sequence("cases_case")

    def changes() -> Iterator[str]:
        for i in range(len(people)):
            case_id, province, day = first_case + i, people.provinces[i], dt.date.fromordinal(opened[i])
            by = staff.caseworkers[province].pk
            yield _line((case_id, "", "identifikasi", _ts(day, rng), by, "Kasus dibuka"))
            if stages[i] != "identifikasi":
                later = day + dt.timedelta(days=rng.randint(60, 180))
                yield _line((case_id, "identifikasi", stages[i], _ts(later, rng), staff.supervisor.pk, ""))

    _copy("cases_casestagechange", STAGE_CHANGE_COLUMNS, changes())

    def visits() -> Iterator[str]:
        for i in range(len(people)):
            province, day = people.provinces[i], opened[i]
            count = LONG_TIMELINE_VISITS if i == 0 else rng.choices((1, 2, 3, 4, 5), (15, 20, 30, 20, 15))[0]
            by = staff.caseworkers[province].pk
            for _ in range(count):
                when = dt.date.fromordinal(rng.randint(day, TODAY.toordinal()))
                yield _line((
                    first_case + i, when.isoformat(), rng.choice(PLACES), rng.choice(FINDINGS), by, _ts(when, rng)
                ))  # fmt: skip

    _copy("cases_visit", VISIT_COLUMNS, visits())
    return opened


def _programmes(staff: _Staff) -> dict[str, list[tuple[int, int]]]:
    """Two programmes per scale office: (id, unit value)."""
    from assistance.models import Programme

    result: dict[str, list[tuple[int, int]]] = {}
    for province, office in staff.offices.items():
        rows = []
        for name, form, source, year, value in (
            ("UEP Eks Napiter dan Keluarga", "uep", "apbd_prov", 2025, 5_000_000),
            ("Popwarung BNPT", "popwarung", "apbn", 2026, 15_000_000),
        ):
            programme = Programme(
                office=office, name=f"{name} {year} (uji skala)", form=form, funding_source=source, fiscal_year=year,
                budget_ceiling=value * 100_000, unit_value_min=value, unit_value_max=value, requires_dtsen=False,
            )  # fmt: skip
            programme.full_clean()
            programme.save()
            rows.append((programme.pk, value))
        result[province] = rows
    return result


def _grants(rng: random.Random, people: _People, staff: _Staff, opened: list[int]) -> int:
    programmes = _programmes(staff)
    first_grant = _next_id("assistance_grant")
    events: list[tuple[int, str, int, int]] = []  # grant id, status, created day, province index

    def grants() -> Iterator[str]:
        grant_id = first_grant
        for i in range(len(people)):
            if people.is_child(i):
                continue
            count = 1 + (people.head[i] and rng.random() < 0.4) + (i == 0) * 4
            province = people.provinces[i]
            for _ in range(count):
                programme, value = rng.choice(programmes[province])
                status = rng.choices(GRANT_STATUSES, GRANT_WEIGHTS)[0]
                created = dt.date.fromordinal(rng.randint(opened[i], TODAY.toordinal()))
                committed = status in ("ditetapkan", "disalurkan", "dipantau", "selesai")
                delivered = status in ("disalurkan", "dipantau", "selesai")
                decree = created + dt.timedelta(days=20)
                yield _line((
                    grant_id, programme, people.first_id + i, "", staff.offices[province].pk, status, value,
                    rng.choice(BUSINESSES), "Keluarga memerlukan modal usaha.", "[]",
                    "t" if status not in ("usulan", "ditolak") else "f",
                    f"SK-{grant_id}/DINSOS-{province}/{decree.year}" if committed else "",
                    decree.isoformat() if committed else None,
                    (decree + dt.timedelta(days=15)).isoformat() if delivered else None,
                    "CV Maju Bersama" if delivered else "", "", "", "", "",
                    "Tidak memenuhi syarat verifikasi." if status in ("ditolak", "dibatalkan") else "",
                    staff.caseworkers[province].pk, staff.supervisor.pk if committed else None,
                    _ts(created, rng), _ts(created, rng), "f",
                ))  # fmt: skip
                events.append((grant_id, status, created.toordinal(), i))
                grant_id += 1

    _copy("assistance_grant", GRANT_COLUMNS, grants())
    _sync_sequence("assistance_grant")

    def grant_events() -> Iterator[str]:
        for grant_id, status, created, i in events:
            province, day = people.provinces[i], dt.date.fromordinal(created)
            yield _line((grant_id, "", "usulan", _ts(day, rng), staff.caseworkers[province].pk, ""))
            if status != "usulan":
                later = day + dt.timedelta(days=rng.randint(20, 60))
                yield _line((grant_id, "usulan", status, _ts(later, rng), staff.supervisor.pk, ""))

    _copy("assistance_grantevent", GRANT_EVENT_COLUMNS, grant_events())
    return len(events)


def _assessments(rng: random.Random, people: _People, staff: _Staff, opened: list[int]) -> None:
    from assessments.models import InstrumentVersion

    version = (
        InstrumentVersion.objects.filter(status=InstrumentVersion.Status.ACTIVE, bands__isnull=False)
        .order_by("id")
        .first()
    )
    if version is None:
        raise ScaleSeedError("Belum ada instrumen asesmen aktif: jalankan `python manage.py seed_demo` dahulu.")
    bands = list(version.bands.order_by("min_score").values_list("id", "min_score"))
    top = float(bands[-1][1]) * 1.5 + 1
    assessor, office = staff.assessor.pk, staff.assessor.office_id

    def rows() -> Iterator[str]:
        for i in range(len(people)):
            count = 12 if i == 0 else 2
            for n in range(count):
                day = dt.date.fromordinal(min(opened[i] + 10 + n * 180 + rng.randint(0, 40), TODAY.toordinal()))
                score = round(rng.uniform(0, top), 2)
                band = [b for b, minimum in bands if score >= float(minimum)][-1]
                recommendation = rng.choice(RECOMMENDATIONS)
                stamp = _ts(day, rng)
                yield _line((
                    people.first_id + i, version.pk, assessor, office, day.isoformat(),
                    "awal" if n == 0 else rng.choice(PURPOSES[1:]), "Wawancara dan keterangan keluarga.", "diajukan",
                    f"{score:.2f}", f"{top:.2f}", 0, band, None, "", recommendation,
                    "t" if recommendation == "reintegrasi" else "f", "", (day + dt.timedelta(days=182)).isoformat(),
                    None, 1, None, stamp, stamp, stamp,
                ))  # fmt: skip

    _copy("assessments_assessment", ASSESSMENT_COLUMNS, rows())


def _plans(rng: random.Random, count: int, villages: _Villages, staff: _Staff) -> None:
    from sinergi.models import Ministry, MinistryUnit

    units = []
    for n in range(1, 11):
        ministry, _ = Ministry.objects.get_or_create(
            code=f"skala-kl-{n:02d}", defaults={"name": f"Kementerian Uji Skala {n:02d}", "short_name": f"KUS{n:02d}"}
        )
        unit, _ = MinistryUnit.objects.get_or_create(
            ministry=ministry, name="Biro Perencanaan", defaults={"echelon": MinistryUnit.Echelon.ESELON_II}
        )
        units.append((ministry.pk, unit.pk))
    creator = staff.national.pk

    def rows() -> Iterator[str]:
        for n in range(count):
            ministry, unit = units[n % len(units)]
            village = villages.codes[rng.randrange(len(villages.codes))]
            fisik = rng.random() < 0.32
            category = rng.choice(PLAN_CATEGORIES_FISIK if fisik else PLAN_CATEGORIES_NON_FISIK)
            year = rng.randint(2022, 2026)
            start = dt.date(year, rng.randint(1, 6), 1)
            stamp = _ts(start, rng)
            yield _line((
                ministry, unit, year, f"Rencana aksi {category.replace('_', ' ')} {n + 1}", "", "fisik" if fisik
                else "non_fisik", category, village[:2], village[:5], village, rng.randint(0, 30),
                rng.randint(1, 60), rng.randint(0, 10), rng.randint(50, 5000) * 1_000_000,
                rng.choice(("apbn", "apbd")), start.isoformat(), dt.date(year, 12, 15).isoformat(),
                "Jumlah penerima manfaat", rng.randint(5, 200), "orang", rng.choice("123"),
                rng.choice(PLAN_STATUSES), None, creator, stamp, stamp,
            ))  # fmt: skip

    _copy("sinergi_actionplan", PLAN_COLUMNS, rows())


BULK_TABLES = (
    "cases_household",
    "cases_person",
    "cases_case",
    "cases_casestagechange",
    "cases_visit",
    "assistance_grant",
    "assistance_grantevent",
    "assessments_assessment",
    "sinergi_actionplan",
)


def _drop_foreign_keys() -> list[tuple[str, str, str]]:
    """Drop the bulk tables' foreign keys for the load (PostgreSQL's advice for populating a database):
    re-adding one checks all rows in one join, where keeping it checks each row on its own, millions of
    times. Inside the loading transaction, so no other session ever sees a table without them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname",
            [list(BULK_TABLES)],
        )
        keys = [(str(table), str(name), str(definition)) for table, name, definition in cursor.fetchall()]
        for table, name, _definition in keys:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
    return keys


def _restore_foreign_keys(keys: list[tuple[str, str, str]]) -> None:
    """Re-create each foreign key exactly as it was; this validates every loaded row."""
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                f"{definition}"
            )


def _set_row_triggers(enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for table in BULK_TABLES:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} {verb} TRIGGER {ROW_TRIGGER}")


def seed_scale(
    *, people: int, random_seed: int = 2026, audit_rows: bool = False, progress: Callable[[str], None] | None = None
) -> ScaleResult:
    """Build the scale set of `people` people, or do nothing if it is already there (see the module doc).

    `audit_rows` keeps the row-level change trigger on during the load (one audit row per synthetic row),
    for measuring what that costs.
    """
    from cases.models import Household, Person

    if people < 1:
        raise ScaleSeedError("Jumlah orang harus paling sedikit 1.")
    existing = scale_people_count()
    if existing == people:
        national_office = Office.objects.filter(code=NATIONAL_OFFICE).first()
        if national_office is not None:
            _national_supervisor(national_office)
        return ScaleResult(people=people, created=False)
    if existing:
        raise ScaleSeedError(
            f"Basis data sudah berisi data uji skala dengan {existing} orang; ukuran lain memerlukan basis data baru."
        )
    provinces = list(Region.objects.provinces().order_by("code"))
    if not provinces:
        raise ScaleSeedError("Data wilayah belum dimuat: jalankan `python manage.py load_regions` dahulu.")
    say = progress or (lambda message: None)
    rng = random.Random(random_seed)  # noqa: S311 - reproducible synthetic data, not a secret
    LOADED.clear()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A table with pending (deferred) trigger events cannot be altered: check them now, and keep
            # checking each foreign key immediately until the load is done.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if not audit_rows:
            _set_row_triggers(False)
        foreign_keys = _drop_foreign_keys()
        staff = _staff(provinces)
        say(f"{len(staff.offices) + 1} kantor dan {len(staff.offices) + 3} pengguna uji skala")
        villages = _Villages.load()
        say(f"{len(villages.codes)} desa/kelurahan di {len(provinces)} provinsi")
        taken = {nik for nik in Person.objects.exclude(nik=None).values_list("nik", flat=True) if nik}
        taken |= set(Household.objects.values_list("kk", flat=True))
        loaded = _load_people(rng, villages, staff, people, taken)
        say("orang dan keluarga dimuat")
        opened = _cases(rng, loaded, staff)
        say("kasus, riwayat tahap dan kunjungan dimuat")
        _grants(rng, loaded, staff, opened)
        say("bantuan dan riwayatnya dimuat")
        _assessments(rng, loaded, staff, opened)
        say("asesmen dimuat")
        _plans(rng, min(MAX_PLANS, max(10, people // 100)), villages, staff)
        for table in BULK_TABLES:
            _sync_sequence(table)
        _restore_foreign_keys(foreign_keys)
        say("kunci asing diperiksa")
        if not audit_rows:
            _set_row_triggers(True)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to each constraint's own (Django's) timing
        counts = dict(LOADED)
        # The audited record of this load: who (the session's actor), when (the change event), how much.
        agency_upsert(
            code=MARKER_AGENCY,
            name=f"Data uji skala: {people} orang, {counts['cases_visit']} kunjungan, "
            f"{counts['assistance_grant']} bantuan, {counts['assessments_assessment']} asesmen",
            kind=Agency.Kind.OTHER,
        )
    with connection.cursor() as cursor:
        for table in BULK_TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return ScaleResult(people=people, created=True, counts=counts)
