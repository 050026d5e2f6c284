"""The demo cast of DESIGN.md: offices and users created by `seed_demo`, also the tests' fixtures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from napiter.accounts import roles
from napiter.accounts.models import Agency, Office, User


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class DemoOffice:
    code: str
    agency: str
    name: str
    jurisdiction: str
    region: str | None
    address: str
    timezone: str = Office.TimeZone.WIB


@dataclass(frozen=True)
class DemoMember:
    username: str
    first_name: str
    last_name: str
    office: str
    role: str
    position: str
    nip: str = ""

    @property
    def office_name(self) -> str:
        return next(o.name for o in DEMO_OFFICES if o.code == self.office)


DEMO_AGENCIES = [
    DemoAgency("bnpt", "Badan Nasional Penanggulangan Terorisme", Agency.Kind.BNPT),
    DemoAgency("kemensos", "Kementerian Sosial", Agency.Kind.KEMENSOS),
    DemoAgency("dinsos-36", "Dinas Sosial Provinsi Banten", Agency.Kind.DINSOS_PROVINCE),
    DemoAgency("dinsos-64", "Dinas Sosial Provinsi Kalimantan Timur", Agency.Kind.DINSOS_PROVINCE),
    DemoAgency("kemenag", "Kementerian Agama", Agency.Kind.MINISTRY),
    DemoAgency("inspektorat", "Inspektorat", Agency.Kind.OTHER),
]

DEMO_OFFICES = [
    DemoOffice(
        "BNPT-DERAD",
        "bnpt",
        "BNPT, Direktorat Deradikalisasi",
        Office.Jurisdiction.NATIONAL,
        None,
        "Jl. Anyer No. 7, Kompleks IPSC Sentul, Kabupaten Bogor, Jawa Barat",
    ),
    DemoOffice(
        "KEMENSOS-RESOS",
        "kemensos",
        "Kemensos, Direktorat Rehabilitasi Sosial",
        Office.Jurisdiction.NATIONAL,
        None,
        "Jl. Salemba Raya No. 28, Jakarta Pusat 10430",
    ),
    DemoOffice(
        "DINSOS-BTN",
        "dinsos-36",
        "Dinas Sosial Provinsi Banten",
        Office.Jurisdiction.PROVINCE,
        "36",
        "Kawasan Pusat Pemerintahan Provinsi Banten (KP3B), Jl. Syech Nawawi Al Bantani, Kota Serang 42171",
    ),
    DemoOffice(
        "DINSOS-KTM",
        "dinsos-64",
        "Dinas Sosial Provinsi Kalimantan Timur",
        Office.Jurisdiction.PROVINCE,
        "64",
        "Jl. Basuki Rahmat No. 92, Kota Samarinda 75117",
        Office.TimeZone.WITA,
    ),
    DemoOffice(
        "KEMENAG-RENC",
        "kemenag",
        "Kementerian Agama, Biro Perencanaan",
        Office.Jurisdiction.NATIONAL,
        None,
        "Jl. Lapangan Banteng Barat No. 3-4, Jakarta Pusat 10710",
    ),
    DemoOffice("INSPEKTORAT", "inspektorat", "Inspektorat", Office.Jurisdiction.NATIONAL, None, "Jakarta"),
]

DEMO_CAST = [
    DemoMember("bnpt.koordinator", "Rudi", "Hartono", "BNPT-DERAD", roles.KOORDINATOR,
               "Kepala Subdit Bina Masyarakat", "197805122005011002"),
    DemoMember("bnpt.asesor", "Wulan", "Sari", "BNPT-DERAD", roles.ASESOR, "Asesor Deradikalisasi",
               "198603142010122001"),
    DemoMember("kemensos.supervisor", "Bambang", "Prasetyo", "KEMENSOS-RESOS", roles.SUPERVISOR,
               "Kepala Subdirektorat Rehabilitasi Sosial", "197511082003121001"),
    DemoMember("dinsos.banten.pendamping", "Siti", "Nurhaliza", "DINSOS-BTN", roles.PENDAMPING,
               "Pendamping Rehabilitasi Sosial"),
    DemoMember("dinsos.banten.kabid", "Ahmad", "Fauzi", "DINSOS-BTN", roles.SUPERVISOR,
               "Kepala Bidang Rehabilitasi Sosial", "197904212006041003"),
    DemoMember("dinsos.kaltim.pendamping", "Dewi", "Lestari", "DINSOS-KTM", roles.PENDAMPING,
               "Pendamping Rehabilitasi Sosial"),
    DemoMember("kl.kemenag.perencana", "Hendra", "Gunawan", "KEMENAG-RENC", roles.PERENCANA,
               "Perencana Ahli Muda", "198807302012121002"),
    DemoMember("auditor", "Ratna", "Kusuma", "INSPEKTORAT", roles.AUDITOR, "Auditor Ahli Madya",
               "198101172008012004"),
    DemoMember("bnpt.dpo", "Intan", "Permatasari", "BNPT-DERAD", roles.DPO,
               "Pejabat Pelindungan Data Pribadi", "198409252009122003"),
]  # fmt: skip

CAST_USERNAMES = frozenset(m.username for m in DEMO_CAST)


def demo_usernames() -> frozenset[str]:
    """Every account `seed_demo` creates: the cast, and the accounts the domain demos add (the sinergi demo's
    K/L planners and the officials who sign its agreements). The one list that `demo_otp` and seed_demo's
    refusal of real data read."""
    from sinergi.demo import SINERGI_DEMO_USERNAMES

    return CAST_USERNAMES | SINERGI_DEMO_USERNAMES


def non_demo_users(*, also_demo: Iterable[str] = ()) -> list[str]:
    """Usernames that the demo did not create (`demo_usernames()`, plus `also_demo`, e.g. the synthetic scale
    data's accounts): their presence means a real installation."""
    known = demo_usernames() | set(also_demo)
    return sorted(User.objects.exclude(username__in=known).values_list("username", flat=True))


def demo_user_upsert(
    *,
    username: str,
    office: Office,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    position: str = "",
    nip: str = "",
) -> User:
    """A demo account with the demo password and, when its role needs two-step verification, the demo
    authenticator whose secret derives from that password (`demo_otp` shows its code)."""
    from napiter.accounts.security import demo_otp_device_upsert, needs_two_factor
    from napiter.accounts.services import user_upsert

    user = user_upsert(
        username=username,
        office=office,
        role=role,
        password=password,
        first_name=first_name,
        last_name=last_name,
        position=position,
        nip=nip,
    )
    if needs_two_factor(user):
        demo_otp_device_upsert(user=user, password=password)
    return user


def seed_accounts(password: str) -> None:
    from napiter.accounts.services import agency_upsert, office_upsert, role_sync

    role_sync()
    agencies = {a.code: agency_upsert(code=a.code, name=a.name, kind=a.kind) for a in DEMO_AGENCIES}
    offices = {
        o.code: office_upsert(
            code=o.code,
            agency=agencies[o.agency],
            name=o.name,
            jurisdiction=o.jurisdiction,
            region_code=o.region,
            timezone=o.timezone,
            address=o.address,
        )
        for o in DEMO_OFFICES
    }
    for m in DEMO_CAST:
        demo_user_upsert(
            username=m.username,
            office=offices[m.office],
            role=m.role,
            password=password,
            first_name=m.first_name,
            last_name=m.last_name,
            position=m.position,
            nip=m.nip,
        )
