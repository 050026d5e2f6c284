"""Account security: sign-in lockout, two-step verification for the privileged roles, session limits
and the security headers."""

from __future__ import annotations

import re
import time
from base64 import b32encode
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from napiter.accounts import roles
from napiter.accounts.forms import INVALID_LOGIN
from napiter.accounts.middleware import SESSION_SEEN, SESSION_STARTED
from napiter.accounts.models import User
from napiter.accounts.otp_views import ENROL_SESSION_KEY
from napiter.accounts.security import (
    OTP_INVALID,
    OTP_NOT_ENROLLED_API,
    OTP_REQUIRED_API,
    OTP_SESSION_UNVERIFIED_API,
    OTP_THROTTLED,
    TWO_FACTOR_ROLES,
    confirmed_devices,
    lockout_message,
    needs_two_factor,
    totp_code,
)
from napiter.accounts.services import user_upsert

pytestmark = pytest.mark.django_db

LOGIN = "/masuk/"
TOKEN = "/api/v1/auth/token/"
LOCKED_TEXT = (
    "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
    "Coba lagi dalam 30 menit atau hubungi administrator."
)


CLIENT_ADDRESSES = ("127.0.0.1", "203.0.113.9", "198.51.100.20")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The token endpoint's rate limit (DRF's ScopedRateThrottle) counts per address in the cache, which
    outlives each test; these tests call it often. Only those counters are reset: the same Valkey
    database is the test worker's Celery broker."""

    def reset() -> None:
        cache.delete_many([f"throttle_token_{address}" for address in CLIENT_ADDRESSES])

    reset()
    yield
    reset()


def _login(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _token(client: Client, username: str, password: str, otp: str | None = None, **extra):
    body = {"username": username, "password": password} | ({"otp": otp} if otp is not None else {})
    return client.post(TOKEN, body, content_type="application/json", **extra)


def _wrong_code(device: TOTPDevice) -> str:
    """A six-digit code that the device accepts at no time step in its tolerance window."""
    now = time.time()
    valid = {totp_code(device, at=now + step * device.step) for step in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in valid)


def _device(user: User) -> TOTPDevice:
    return confirmed_devices(user).get()


def _admin_user(cast) -> User:
    return user_upsert(
        username="admin.uji",
        office=cast.auditor.office,
        role=roles.ADMIN,
        password=django_settings.DEMO_PASSWORD,
    )


# --- lockout ------------------------------------------------------------------------------------------------


def test_fifth_failed_login_locks_the_account_with_an_indonesian_message(cast, client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = _login(client, "dinsos.banten.pendamping", "salah-sekali")
        assert response.status_code == 200
        assert INVALID_LOGIN in response.content.decode()

    locked = _login(client, "dinsos.banten.pendamping", "salah-sekali")
    assert locked.status_code == 429
    assert LOCKED_TEXT in locked.content.decode()
    assert lockout_message() == LOCKED_TEXT

    # Even the right password is refused while the lock holds.
    again = _login(client, "dinsos.banten.pendamping", settings.DEMO_PASSWORD)
    assert again.status_code == 429
    assert LOCKED_TEXT in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_page_does_not_reveal_whether_the_username_exists(cast, client):
    def locked_page(username: str) -> str:
        for _ in range(5):
            response = _login(client, username, "salah-sekali")
        assert response.status_code == 429
        html = response.content.decode().replace(username, "USERNAME")
        return re.sub(r"[A-Za-z0-9]{64}", "CSRF", html)  # per-response CSRF tokens differ by design

    assert locked_page("dinsos.banten.pendamping") == locked_page("tidak.ada.orangnya")


def test_lockout_is_per_account_and_address(cast, client, settings):
    for _ in range(5):
        _login(client, "dinsos.banten.pendamping", "salah-sekali", REMOTE_ADDR="203.0.113.9")
    stranger = _login(client, "dinsos.banten.pendamping", settings.DEMO_PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert stranger.status_code == 429
    # The owner at her own office is not locked out by someone guessing elsewhere.
    owner = Client()
    response = _login(owner, "dinsos.banten.pendamping", settings.DEMO_PASSWORD, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(cast.banten_pendamping.pk)


def test_failure_limit_and_cool_off_come_from_settings(cast, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=10)
    _login(client, "auditor", "salah-sekali")
    locked = _login(client, "auditor", "salah-sekali")
    assert locked.status_code == 429
    assert "Coba lagi dalam 10 menit atau hubungi administrator." in locked.content.decode()

    # Once the cool-off has passed, the right password works again.
    AccessAttempt.objects.filter(username="auditor").update(
        attempt_time=AccessAttempt.objects.get(username="auditor").attempt_time - timedelta(minutes=11)
    )
    assert _login(client, "auditor", settings.DEMO_PASSWORD).status_code == 302


def test_failed_attempts_are_recorded_without_the_password(cast, client):
    _login(client, "dinsos.banten.pendamping", "rahasia-yang-salah")
    attempt = AccessAttempt.objects.get(username="dinsos.banten.pendamping")
    assert attempt.failures_since_start == 1
    assert "rahasia-yang-salah" not in attempt.post_data


def test_token_api_counts_failures_and_refuses_a_locked_account_in_indonesian(cast, client, settings):
    for _ in range(4):
        response = _token(client, "dinsos.banten.pendamping", "salah")
        assert response.status_code == 400
        assert response.json() == {"detail": INVALID_LOGIN}
    locked = _token(client, "dinsos.banten.pendamping", "salah")
    assert locked.status_code == 429
    assert locked.json() == {"detail": LOCKED_TEXT}

    refused = _token(client, "dinsos.banten.pendamping", settings.DEMO_PASSWORD)
    assert refused.status_code == 429
    assert refused.json() == {"detail": LOCKED_TEXT}
    assert "token" not in refused.json()


def test_login_page_and_token_api_share_one_failure_count(cast, client, settings):
    for _ in range(3):
        _login(client, "auditor", "salah-sekali")
    for _ in range(2):
        _token(client, "auditor", "salah")
    assert _login(client, "auditor", settings.DEMO_PASSWORD).status_code == 429


def test_administrator_unlocks_with_axes_reset_username(cast, client, settings):
    for _ in range(5):
        _login(client, "dinsos.banten.pendamping", "salah-sekali")
    assert _login(client, "dinsos.banten.pendamping", settings.DEMO_PASSWORD).status_code == 429

    call_command("axes_reset_username", "dinsos.banten.pendamping", stdout=StringIO())

    response = _login(client, "dinsos.banten.pendamping", settings.DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.banten_pendamping.pk)


def test_administrator_unlocks_in_the_admin(cast, client, client_for, settings):
    for _ in range(5):
        _login(client, "dinsos.banten.pendamping", "salah-sekali")
    attempt = AccessAttempt.objects.get(username="dinsos.banten.pendamping")

    admin = client_for(_admin_user(cast))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "dinsos.banten.pendamping" in listing.content.decode()
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()

    assert _login(client, "dinsos.banten.pendamping", settings.DEMO_PASSWORD).status_code == 302


# --- two-step verification ----------------------------------------------------------------------------------

TWO_FACTOR_USERS = {
    roles.SUPERVISOR: "banten_kabid",
    roles.KOORDINATOR: "koordinator",
    roles.ASESOR: "asesor",
    roles.ADMIN: None,  # no admin in the demo cast: made by _admin_user
    roles.PEJABAT_KL: None,  # the K/L official who signs the berita acara: made by _kl_official_user
    roles.DPO: "dpo",
}
PASSWORD_ONLY_USERS = {
    roles.PENDAMPING: "banten_pendamping",
    roles.PERENCANA: "kemenag_perencana",
    roles.AUDITOR: "auditor",
}


def _user_for(cast, role: str) -> User:
    name = TWO_FACTOR_USERS.get(role) or PASSWORD_ONLY_USERS.get(role)
    if role == roles.PEJABAT_KL:
        return _kl_official_user(cast)
    return getattr(cast, name) if name else _admin_user(cast)


def _kl_official_user(cast) -> User:
    return user_upsert(
        username="kl.kemenag.eselon2.uji",
        office=cast.kemenag_perencana.office,
        role=roles.PEJABAT_KL,
        password=django_settings.DEMO_PASSWORD,
    )


def test_the_role_table_and_these_tests_agree_on_who_needs_two_factor():
    assert set(TWO_FACTOR_ROLES) == set(TWO_FACTOR_USERS)
    assert set(TWO_FACTOR_ROLES) | set(PASSWORD_ONLY_USERS) == set(roles.ROLES)


@pytest.mark.django_db
def test_who_needs_two_factor_is_read_from_the_roles_the_request_already_has(cast, django_assert_num_queries):
    """Every request asks; once the user's roles are read (User.role_names), the answer costs no query."""
    for role in (*TWO_FACTOR_USERS, *PASSWORD_ONLY_USERS):
        user = User.objects.get(pk=_user_for(cast, role).pk)
        user.role_names()
        with django_assert_num_queries(0):
            assert needs_two_factor(user) is (role in TWO_FACTOR_USERS), role


@pytest.mark.parametrize("role", list(TWO_FACTOR_USERS))
def test_two_factor_role_reaches_nothing_before_the_code(role, cast, client, settings):
    user = _user_for(cast, role)
    # The demo cast has authenticators; a new administrator is sent to register one first.
    step = reverse("otp-verify") if confirmed_devices(user).exists() else reverse("otp-enrol")
    response = _login(client, user.username, settings.DEMO_PASSWORD, follow=True)
    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith(step), final_url
    assert "verifikasi dua langkah" in response.content.decode().lower()

    for page in ("/", "/wilayah/", "/admin/"):
        blocked = client.get(page)
        assert blocked.status_code == 302, page
        assert blocked["Location"].startswith(step + "?next="), page

    api = client.get("/api/v1/regions/?parent=36")
    assert api.status_code == 403
    assert api.json() == {"detail": OTP_SESSION_UNVERIFIED_API}


@pytest.mark.parametrize("role", list(PASSWORD_ONLY_USERS))
def test_password_only_roles_go_straight_in(role, cast, client, settings):
    user = _user_for(cast, role)
    response = _login(client, user.username, settings.DEMO_PASSWORD, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.status_code == 200
    assert user.office.name in response.content.decode()
    assert client.get("/api/v1/").json()["auth-token"].endswith(TOKEN)


def test_valid_code_opens_the_session_and_goes_to_the_requested_page(cast, client, settings):
    _login(client, "bnpt.koordinator", settings.DEMO_PASSWORD)
    key_before = client.session.session_key
    response = client.post(reverse("otp-verify"), {"token": totp_code(_device(cast.koordinator)), "next": "/wilayah/"})
    assert response.status_code == 302
    assert response["Location"] == "/wilayah/"
    assert client.session[DEVICE_ID_SESSION_KEY] == _device(cast.koordinator).persistent_id
    assert client.session.session_key != key_before  # a new session id at the step up

    home = client.get("/")
    assert home.status_code == 200
    assert "BNPT, Direktorat Deradikalisasi" in home.content.decode()
    assert client.get("/api/v1/regions/?parent=36").status_code == 200


def test_wrong_code_is_refused_in_indonesian(cast, client, settings):
    _login(client, "kemensos.supervisor", settings.DEMO_PASSWORD)
    response = client.post(reverse("otp-verify"), {"token": _wrong_code(_device(cast.kemensos_supervisor))})
    assert response.status_code == 200
    assert OTP_INVALID in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_code_that_is_not_six_digits_is_refused_in_indonesian(cast, client, settings):
    _login(client, "bnpt.asesor", settings.DEMO_PASSWORD)
    response = client.post(reverse("otp-verify"), {"token": "12ab"})
    assert "Masukkan 6 digit angka dari aplikasi autentikator." in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_after_a_wrong_code_the_next_try_must_wait(cast, client, settings):
    device = _device(cast.banten_kabid)
    _login(client, "dinsos.banten.kabid", settings.DEMO_PASSWORD)
    client.post(reverse("otp-verify"), {"token": _wrong_code(device)})
    response = client.post(reverse("otp-verify"), {"token": totp_code(device)})
    assert OTP_THROTTLED in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_verification_does_not_redirect_to_another_site(cast, client, settings):
    _login(client, "bnpt.koordinator", settings.DEMO_PASSWORD)
    response = client.post(
        reverse("otp-verify"), {"token": totp_code(_device(cast.koordinator)), "next": "https://contoh.invalid/"}
    )
    assert response["Location"] == reverse("home")


def test_htmx_request_before_verification_becomes_a_page_load(cast, client, settings):
    _login(client, "bnpt.koordinator", settings.DEMO_PASSWORD)
    response = client.get("/wilayah/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("otp-verify"))


def test_new_two_factor_user_enrols_an_authenticator(cast, client, settings):
    user = user_upsert(
        username="kabid.baru", office=cast.banten_kabid.office, role=roles.SUPERVISOR, password=settings.DEMO_PASSWORD
    )
    response = _login(client, "kabid.baru", settings.DEMO_PASSWORD, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("otp-enrol"))
    html = response.content.decode()
    key = client.session[ENROL_SESSION_KEY]
    secret = b32encode(bytes.fromhex(key)).decode()
    # The QR code is drawn into the page as SVG; the key is also shown for typing in by hand.
    qr = re.search(r'data-testid="otp-qr">(.*?)</div>', html, re.S)
    assert qr is not None
    assert qr.group(1).startswith("<svg")
    assert "<img" not in qr.group(1)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html

    wrong = client.post(reverse("otp-enrol"), {"token": "000000" if totp_now(key) != "000000" else "111111"})
    assert OTP_INVALID in wrong.content.decode()
    assert not confirmed_devices(user).exists()

    confirmed = client.post(reverse("otp-enrol"), {"token": totp_now(key), "next": "/"})
    assert confirmed.status_code == 302
    device = confirmed_devices(user).get()
    assert device.key == key
    assert ENROL_SESSION_KEY not in client.session
    home = client.get("/", follow=True)
    assert home.redirect_chain == []
    assert "Verifikasi dua langkah aktif." in home.content.decode()


def totp_now(key: str) -> str:
    return f"{TOTP(bytes.fromhex(key)).token():06d}"


def test_a_password_alone_cannot_replace_the_authenticator(cast, client, settings):
    _login(client, "bnpt.koordinator", settings.DEMO_PASSWORD)
    response = client.get(reverse("otp-enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-verify"))
    assert ENROL_SESSION_KEY not in client.session
    assert confirmed_devices(cast.koordinator).count() == 1


def test_verification_pages_explain_themselves_when_there_is_nothing_to_do(cast, client_for):
    pendamping = client_for(cast.banten_pendamping).get(reverse("otp-verify"))
    assert "Akun Anda tidak memerlukan verifikasi dua langkah." in pendamping.content.decode()
    verified = client_for(cast.koordinator)
    assert "Sesi ini sudah melewati verifikasi dua langkah." in verified.get(reverse("otp-verify")).content.decode()
    assert "sudah terdaftar" in verified.get(reverse("otp-enrol")).content.decode()


def test_token_api_needs_the_code_for_two_factor_roles(cast, client, settings):
    missing = _token(client, "bnpt.koordinator", settings.DEMO_PASSWORD)
    assert missing.status_code == 400
    assert missing.json() == {"detail": OTP_REQUIRED_API}

    wrong = _token(client, "bnpt.koordinator", settings.DEMO_PASSWORD, otp=_wrong_code(_device(cast.koordinator)))
    assert wrong.status_code == 400
    assert wrong.json() == {"detail": OTP_INVALID}


def test_token_api_with_a_valid_code_issues_a_working_token_once_per_code(cast, client, settings):
    device = _device(cast.asesor)
    code = totp_code(device)
    response = _token(client, "bnpt.asesor", settings.DEMO_PASSWORD, otp=code)
    assert response.status_code == 200
    token = response.json()["token"]
    api = Client().get("/api/v1/regions/?parent=36", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 200
    assert {r["code"] for r in api.json()["results"]} >= {"36.01"}

    # A code is good for one sign-in: replaying it is refused.
    replay = _token(client, "bnpt.asesor", settings.DEMO_PASSWORD, otp=code)
    assert replay.status_code == 400
    assert "token" not in replay.json()


def test_token_api_for_a_two_factor_user_without_authenticator_says_how_to_enrol(cast, client, settings):
    user_upsert(username="asesor.baru", office=cast.asesor.office, role=roles.ASESOR, password=settings.DEMO_PASSWORD)
    response = _token(client, "asesor.baru", settings.DEMO_PASSWORD, otp="123456")
    assert response.status_code == 400
    assert response.json() == {"detail": OTP_NOT_ENROLLED_API}


def test_token_api_for_password_only_roles_needs_no_code(cast, client, settings):
    response = _token(client, "kl.kemenag.perencana", settings.DEMO_PASSWORD)
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


# --- demo authenticators ------------------------------------------------------------------------------------


def test_demo_otp_prints_the_code_the_verification_page_accepts(cast, client, settings):
    out = StringIO()
    call_command("demo_otp", "dinsos.banten.kabid", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    _login(client, "dinsos.banten.kabid", settings.DEMO_PASSWORD)
    assert client.post(reverse("otp-verify"), {"token": code}).status_code == 302
    assert client.get("/").status_code == 200


def test_every_demo_two_factor_user_has_a_demo_device(cast):
    for name in ("koordinator", "asesor", "kemensos_supervisor", "banten_kabid"):
        device = _device(getattr(cast, name))
        assert "DEMO" in device.name
    assert not confirmed_devices(cast.banten_pendamping).exists()


def test_demo_otp_refuses_anyone_outside_the_demo(cast, settings):
    user_upsert(username="petugas.nyata", office=cast.asesor.office, role=roles.ASESOR, password="x" * 16)
    with pytest.raises(CommandError, match="bukan pengguna demo"):
        call_command("demo_otp", "petugas.nyata")
    with pytest.raises(CommandError, match="tidak memakai verifikasi dua langkah"):
        call_command("demo_otp", "dinsos.banten.pendamping")


def test_demo_otp_never_reads_out_a_real_authenticator(cast):
    device = _device(cast.koordinator)
    device.key = "ab" * 20  # a secret not derived from DEMO_PASSWORD, as a real phone's would be
    device.save(update_fields=["key"])
    with pytest.raises(CommandError, match="tidak memakai perangkat demo"):
        call_command("demo_otp", "bnpt.koordinator")


# --- sessions -----------------------------------------------------------------------------------------------


def _age_session(client: Client, *, idle_seconds: float = 0, since_login_seconds: float = 0) -> None:
    session = client.session
    now = time.time()
    session[SESSION_SEEN] = now - idle_seconds
    session[SESSION_STARTED] = now - max(since_login_seconds, idle_seconds)
    session.save()


def test_session_ends_after_idle_minutes(cast, client_for):
    client = client_for(cast.banten_pendamping)
    assert client.get("/").status_code == 200
    _age_session(client, idle_seconds=31 * 60)
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "Sesi Anda berakhir karena tidak ada aktivitas selama 30 menit." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_within_the_idle_limit_keeps_the_session(cast, client_for):
    client = client_for(cast.banten_pendamping)
    client.get("/")
    _age_session(client, idle_seconds=29 * 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[SESSION_SEEN] < 60  # the activity was recorded


def test_session_ends_after_eight_hours_however_active(cast, client_for):
    client = client_for(cast.koordinator)
    client.get("/")
    _age_session(client, idle_seconds=5, since_login_seconds=8 * 3600 + 60)
    response = client.get("/", follow=True)
    assert "Sesi Anda berakhir karena sudah berlangsung lebih dari 8 jam." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_request_reads_its_session_from_the_cache_and_falls_back_to_the_database(cast, client_for):
    client = client_for(cast.banten_pendamping)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    # Evicted from the cache (or Valkey restarted empty): the database copy still holds the sign-in.
    cache.delete(f"{cached_db.KEY_PREFIX}{client.session.session_key}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert [q for q in queries.captured_queries if q["sql"].startswith('SELECT "django_session"')]
    assert "_auth_user_id" in client.session


def test_signing_out_ends_the_session_in_the_cache_and_the_database(cast, client_for):
    client = client_for(cast.banten_pendamping)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert cache.get(f"{cached_db.KEY_PREFIX}{key}") is None
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302


def test_idle_api_session_answers_401(cast, client_for):
    client = client_for(cast.banten_pendamping)
    client.get("/api/v1/")
    _age_session(client, idle_seconds=31 * 60)
    response = client.get("/api/v1/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Anda belum masuk atau token tidak valid."}


def test_idle_limit_comes_from_the_environment_setting(cast, client_for, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    settings.SESSION_IDLE_MINUTES = 5
    client = client_for(cast.banten_pendamping)
    client.get("/")
    _age_session(client, idle_seconds=6 * 60)
    assert client.get("/").status_code == 302


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(cast, client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    page = client.get(LOGIN, secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    response = _login(client, "dinsos.banten.pendamping", settings.DEMO_PASSWORD, secure=True)
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == 30 * 60


# --- headers and CSP ----------------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    }


@pytest.mark.parametrize("path", [LOGIN, "/api/v1/", "/healthz"])
def test_security_headers_on_every_response(path, client):
    response = client.get(path)
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "camera=(self)" in permissions
    assert "geolocation=(self)" in permissions
    assert "microphone=()" in permissions


class _InlineCode(HTMLParser):
    """Collects what a script-src/style-src 'self' policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("inline <style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")
            if name.startswith("hx-") and value and value.strip().startswith("js:"):
                self.found.append(f"{tag} {name}=js: (needs eval)")


def _inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def test_base_template_has_no_inline_script():
    source = (Path(django_settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert re.search(r"\son[a-z]+\s*=", source) is None
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source) is None
    assert "js/napiter.js" in source
    assert '"allowEval": false' in source  # htmx must not need 'unsafe-eval'


def test_rendered_pages_carry_no_inline_code(cast, client, client_for, settings):
    pages = {"login": client.get(LOGIN).content.decode()}
    pages["home"] = client_for(cast.banten_pendamping).get("/").content.decode()
    pages["locked"] = ""
    for _ in range(5):
        pages["locked"] = _login(Client(), "auditor", "salah-sekali").content.decode()
    unverified = Client()
    _login(unverified, "bnpt.koordinator", settings.DEMO_PASSWORD)
    pages["verify"] = unverified.get(reverse("otp-verify")).content.decode()
    user_upsert(username="kabid.baru", office=cast.banten_kabid.office, role=roles.SUPERVISOR, password="x" * 16)
    enrolling = Client()
    _login(enrolling, "kabid.baru", "x" * 16)
    pages["enrol"] = enrolling.get(reverse("otp-enrol")).content.decode()
    pages["api-docs"] = client.get("/api/docs/").content.decode()
    assert "Akun dikunci sementara" in pages["locked"]
    assert "<svg" in pages["enrol"]
    assert {name: _inline_code(html) for name, html in pages.items()} == {name: [] for name in pages}


def test_swagger_ui_loads_its_start_up_script_as_a_file(client):
    page = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script=[^"]*)"', page)
    assert script_url is not None
    assert "swagger-ui-bundle.js" in page
    script = client.get(script_url.group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    body = script.content.decode()
    assert "SwaggerUIBundle(" in body
    assert "/api/schema/" in body
    assert '"validatorUrl": null' in body  # no badge image fetched from an outside service
