"""Account security policy: login lockout, two-step verification (TOTP) and the session limits.

The lockout is django-axes, counting failures per account *and* client address, so that a stranger who
guesses at someone's username locks out only themselves. Two-step verification is django-otp with TOTP
devices (any authenticator app). The middleware that applies this policy to every request lives in
`napiter/accounts/middleware.py`; the pages in `napiter/accounts/otp_views.py`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from napiter.accounts.models import User
from napiter.accounts.roles import ROLES, roles_of

OTP_INVALID = (
    "Kode verifikasi salah atau sudah kedaluwarsa. Periksa jam di ponsel Anda, lalu masukkan kode yang sedang tampil."
)
OTP_THROTTLED = "Terlalu banyak kode yang salah. Tunggu beberapa detik, lalu coba lagi dengan kode yang baru."
OTP_REQUIRED_API = (
    "Peran Anda wajib memakai verifikasi dua langkah: sertakan kode 6 digit dari aplikasi autentikator pada isian otp."
)
OTP_NOT_ENROLLED_API = (
    "Verifikasi dua langkah belum diaktifkan untuk akun ini. Masuk melalui halaman web untuk mengaktifkannya, "
    "lalu minta token lagi."
)
OTP_SESSION_UNVERIFIED_API = (
    "Sesi ini belum melewati verifikasi dua langkah. Masukkan kode autentikator di halaman web, atau gunakan token API."
)

DEVICE_NAME = "Aplikasi autentikator"
# The demo cast's authenticators: the name says on every admin page that these are not real devices.
DEMO_DEVICE_NAME = "DEMO - bukan untuk produksi"

TWO_FACTOR_ROLES = tuple(role.name for role in ROLES.values() if role.needs_2fa)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
        f"Coba lagi dalam {minutes} menit atau hubungi administrator."
    )


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


# --- lockout (django-axes hooks, named in settings) -------------------------------------------------------


class LockoutBackend(AxesStandaloneBackend):
    """Refuses locked-out accounts before any password is checked.

    Every sign-in that arrives over the network (login page, admin login, token API) passes its request
    to `authenticate`. A call without a request comes from inside the process (a shell, a management
    command, the test client's `login()`): there is no client address to lock, so it is not checked,
    where axes' own backend would raise instead.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The answer to a locked-out sign-in: the same for every username, so it never tells whether the
    account exists."""
    message = lockout_message()
    if is_api_request(request):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the lockout counts it.

    Behind N trusted reverse proxies (DJANGO_TRUSTED_PROXY_COUNT) the address is the one the outermost of
    them appended to X-Forwarded-For; entries further left were written by the client and prove nothing.
    Without proxies it is the socket's peer address.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


# --- two-step verification: who, and with which device ----------------------------------------------------


def needs_two_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this account must pass a TOTP check after its password.

    The roles that approve, sign or administer carry `needs_2fa` in the role table. Superusers and staff
    reach the admin site whatever their groups, so they are held to the same rule.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    # From the roles the request reads anyway (User.role_names, once per user object): no query of its own.
    return any(role.needs_2fa for role in roles_of(user))


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True once this session has passed a TOTP check (set by django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def confirmed_devices(user: User) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device's authenticator shows at time `at` (now by default)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return str(totp.token()).zfill(device.digits)


def totp_seconds_left(device: TOTPDevice, *, at: float | None = None) -> int:
    now = time.time() if at is None else at
    return int(device.step - (now - device.t0) % device.step)


class OTPThrottled(Exception):
    """Every device of the user is waiting out django-otp's back-off after wrong codes."""


class OTPAlreadyEnrolled(Exception):
    """The user already has a confirmed authenticator; replacing it is an administrator's reset."""


@transaction.atomic
def otp_token_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None.

    A token is accepted once only (django-otp remembers the last time step used), and each wrong code
    doubles the wait before the next try, so six digits cannot be guessed in any useful time.
    """
    devices = list(confirmed_devices(user).select_for_update())
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        raise OTPThrottled
    for device in devices:
        if device.verify_token(token):
            return device
    return None


@transaction.atomic
def otp_device_enrol(*, user: User, key: str, token: str) -> TOTPDevice | None:
    """Register an authenticator from the secret shown at enrolment and a code it produced; None if the
    code does not match.

    Only a user without a confirmed device may enrol: otherwise a stolen password alone would be enough
    to add the thief's phone. Losing a phone means an administrator deletes the old device in the admin.
    """
    User.objects.select_for_update(of=("self",)).filter(pk=user.pk).first()  # serialise concurrent enrolments
    if confirmed_devices(user).exists():
        raise OTPAlreadyEnrolled
    device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    if not token.isdigit() or not totp.verify(int(token), tolerance=device.tolerance):
        return None
    device.last_t = totp.t()  # the confirming code must not also open the next sign-in
    device.full_clean()
    device.save()
    return device


# --- demo cast ----------------------------------------------------------------------------------------------


def demo_totp_key(*, username: str, password: str) -> str:
    """The demo secret of a demo user, derived from DEMO_PASSWORD so that `demo_otp` (or an authenticator
    app fed the same secret) reproduces the codes. Demo only: whoever knows the demo password knows it."""
    digest = hmac.new(password.encode(), f"napiter-demo-totp:{username}".encode(), hashlib.sha256).digest()
    return digest[:20].hex()


@transaction.atomic
def demo_otp_device_upsert(*, user: User, password: str) -> TOTPDevice:
    key = demo_totp_key(username=user.get_username(), password=password)
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first() or TOTPDevice(
        user=user, name=DEMO_DEVICE_NAME
    )
    if device.key != key:
        device.key, device.last_t, device.drift = key, -1, 0
    device.confirmed = True
    device.full_clean()
    device.save()
    return device


def demo_otp_device(user: User, *, password: str) -> TOTPDevice | None:
    """The user's demo device, only if it still holds the demo secret (never a real authenticator)."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None or device.key != demo_totp_key(username=user.get_username(), password=password):
        return None
    return device
