import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from cases.models import Person
from napiter.accounts.demo import DEMO_CAST
from napiter.accounts.models import Office, User
from napiter.accounts.roles import ROLES
from napiter.accounts.security import demo_otp_device, needs_two_factor

pytestmark = pytest.mark.django_db

EXPECTED = {
    "bnpt.koordinator": ("BNPT, Direktorat Deradikalisasi", "koordinator", "national", None),
    "bnpt.asesor": ("BNPT, Direktorat Deradikalisasi", "asesor", "national", None),
    "kemensos.supervisor": ("Kemensos, Direktorat Rehabilitasi Sosial", "supervisor", "national", None),
    "dinsos.banten.pendamping": ("Dinas Sosial Provinsi Banten", "pendamping", "province", "36"),
    "dinsos.banten.kabid": ("Dinas Sosial Provinsi Banten", "supervisor", "province", "36"),
    "dinsos.kaltim.pendamping": ("Dinas Sosial Provinsi Kalimantan Timur", "pendamping", "province", "64"),
    "kl.kemenag.perencana": ("Kementerian Agama, Biro Perencanaan", "perencana", "national", None),
    "auditor": ("Inspektorat", "auditor", "national", None),
    "bnpt.dpo": ("BNPT, Direktorat Deradikalisasi", "dpo", "national", None),
}


def test_demo_cast_matches_design_exactly(base_data):
    users = User.objects.select_related("office").filter(username__in=EXPECTED)
    found = {u.username: (u.office.name, *u.role_names(), u.office.jurisdiction, u.office.region_id) for u in users}
    assert found == EXPECTED
    assert len(DEMO_CAST) == len(EXPECTED)


def test_demo_users_log_in_with_demo_password(base_data, client, settings):
    for username in EXPECTED:
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
        client.logout()


def _readme_demo_logins() -> dict[str, tuple[str, str]]:
    """README's "Demo logins" table: username -> (office, role), as written."""
    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Demo logins\n", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in section.splitlines()]
    table = [row for row in rows if len(row) == 3 and row[0] not in ("username", "---")]
    logins = {username: (office, role) for username, office, role in table}
    assert len(logins) == len(table), "a username is listed twice"
    return logins


def test_every_seeded_user_is_listed_logs_in_and_gets_a_demo_code(base_data, client, settings):
    """The demo can be walked end to end: whoever seed_demo creates is in README's table with their office and
    role, signs in with the demo password and, when the role needs two-step verification, gets a code from
    `demo_otp` that their device accepts (the K/L officials and the Kepala BNPT, who sign agreements, too)."""
    call_command("seed_demo", stdout=StringIO())
    listed = _readme_demo_logins()
    users = list(User.objects.select_related("office").order_by("username"))

    assert sorted(listed) == [u.username for u in users]
    two_factor = []
    for user in users:
        office, role = listed[user.username]
        assert user.office is not None
        assert office.startswith(user.office.name), (user.username, office)
        assert role.split()[0] == user.role_names()[0], (user.username, role)
        assert client.login(username=user.username, password=settings.DEMO_PASSWORD), user.username
        client.logout()
        if not needs_two_factor(user):
            continue
        two_factor.append(user.username)
        out = StringIO()
        call_command("demo_otp", user.username, stdout=out, stderr=StringIO())
        code = out.getvalue().strip()
        assert re.fullmatch(r"\d{6}", code), (user.username, code)
        device = demo_otp_device(user, password=settings.DEMO_PASSWORD)
        assert device is not None, user.username
        assert device.verify_token(code), user.username
    assert {"bnpt.kepala", "kl.kemenag.eselon2", "kl.kemenpu.eselon2"} <= set(two_factor)


def test_seed_demo_is_idempotent(base_data):
    from cases.models import Person

    call_command("seed_demo")  # the first run adds the domain demos' people and officials to the cast
    before = (User.objects.count(), Office.objects.count(), Person.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Office.objects.count(), Person.objects.count()) == before


def test_seed_demo_honours_demo_password_setting(base_data, settings, client):
    settings.DEMO_PASSWORD = "another-demo-password"
    call_command("seed_demo")
    assert client.login(username="auditor", password="another-demo-password")
    assert not client.login(username="auditor", password="napiter-demo")


def test_seed_demo_refuses_database_with_real_users(base_data):
    User.objects.create_user(username="petugas.nyata", password="x" * 16)
    with pytest.raises(CommandError, match="bukan bagian dari data demo"):
        call_command("seed_demo")


def test_every_role_group_exists_with_its_permissions(base_data):
    from django.contrib.auth.models import Group

    for role in ROLES.values():
        group = Group.objects.get(name=role.name)
        perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert perms == set(role.permissions), role.name


def test_demo_people_are_valid_and_spread_over_the_provinces(base_data):
    from cases.demo import seed_people
    from cases.identity import check_nik
    from cases.models import Case, Person

    assert seed_people() > 30
    assert seed_people() == 0  # idempotent
    people = list(Person.objects.filter(is_demo=True).select_related("household"))
    for p in people:
        check = check_nik(p.nik, sex=p.sex, birth_date=p.birth_date)
        assert check.valid, (p.nik, check.errors)
        assert p.nik[:6] == p.domicile_region_id.replace(".", "")[:6]
    provinces = {p.domicile_region_id[:2] for p in people}
    assert provinces == {"36", "64", "72", "52", "35", "32", "33"}
    stages = set(Case.objects.filter(is_demo=True).values_list("stage", flat=True))
    assert stages == set(Case.Stage.values)


def test_seed_demo_refuses_database_with_real_people(base_data, cast):
    from tests.factories import PersonFactory

    PersonFactory()
    with pytest.raises(CommandError, match="bukan data demo"):
        call_command("seed_demo")


def _mark_test_database(mark: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [mark])  # rolled back with the test


def test_seed_demo_seeds_a_database_that_make_run_created_once_then_leaves_it_alone(base_data, cast):
    from django.db import connection

    from napiter.devservices import DEMO_DATABASE, DEMO_DATABASE_SEEDED
    from tests.factories import PersonFactory

    _mark_test_database(DEMO_DATABASE)
    PersonFactory(full_name="Orang Nyata")  # even if someone added a person before the first seed finished
    call_command("seed_demo", stdout=StringIO())
    demo_people = Person.objects.filter(is_demo=True).count()
    assert demo_people > 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        assert cursor.fetchone()[0] == DEMO_DATABASE_SEEDED

    # A restart after people were added through the app: nothing refused, nothing seeded again.
    PersonFactory(full_name="Orang Kedua")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Data demo sudah dimuat sebelumnya" in out.getvalue()
    assert Person.objects.filter(is_demo=True).count() == demo_people
    assert set(Person.objects.filter(is_demo=False).values_list("full_name", flat=True)) == {
        "Orang Nyata",
        "Orang Kedua",
    }


def test_seed_demo_still_refuses_real_people_in_a_database_make_run_did_not_create(base_data, cast):
    from tests.factories import PersonFactory

    _mark_test_database("")  # a database from DATABASE_URL carries no mark
    PersonFactory()
    with pytest.raises(CommandError, match="bukan data demo"):
        call_command("seed_demo")
