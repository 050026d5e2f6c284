"""Middleware applying the account security policy of `napiter/accounts/security.py` to every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from napiter.accounts.models import User
from napiter.accounts.security import (
    OTP_SESSION_UNVERIFIED_API,
    confirmed_devices,
    is_api_request,
    is_verified,
    needs_two_factor,
)

Handler = Callable[[HttpRequest], HttpResponseBase]

SESSION_STARTED = "napiter_session_started"
SESSION_SEEN = "napiter_session_seen"
# Activity is written to the session at most once a minute: saving on every request would cost a
# database write per page view for a precision nobody needs.
SEEN_RESOLUTION_SECONDS = 60


class SecurityHeadersMiddleware:
    """Response headers that Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_MINUTES without a request, and in any case
    SESSION_MAX_HOURS after sign-in.

    The session cookie and the stored session also expire SESSION_COOKIE_AGE (the idle time) after the
    last save; this check makes the rule hold whatever the session engine, and adds the absolute limit.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = time.time()
        session = request.session
        started = session.get(SESSION_STARTED)
        seen = session.get(SESSION_SEEN, started)
        if started is None or seen is None:
            session[SESSION_STARTED] = session[SESSION_SEEN] = now
            return
        idle_limit = settings.SESSION_IDLE_MINUTES * 60
        if now - seen > idle_limit:
            message = (
                f"Sesi Anda berakhir karena tidak ada aktivitas selama {settings.SESSION_IDLE_MINUTES} menit. "
                "Silakan masuk kembali."
            )
        elif now - started > settings.SESSION_MAX_HOURS * 3600:
            message = (
                f"Sesi Anda berakhir karena sudah berlangsung lebih dari {settings.SESSION_MAX_HOURS} jam. "
                "Silakan masuk kembali."
            )
        else:
            if now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN] = now
            return
        logout(request)
        # The view then sees an anonymous user: pages send it to the login page (where this message
        # shows), the API answers 401.
        if not is_api_request(request):
            messages.info(request, message)


class TwoFactorMiddleware:
    """After the password, an account that needs two-step verification can open nothing but the
    verification pages until its session has passed a TOTP check."""

    # Reachable before verification: the verification pages themselves, signing out, the language
    # switch, the health check, and the token endpoint (which checks the code itself).
    EXEMPT_VIEWS = frozenset(
        {"otp-verify", "otp-enrol", "logout", "admin:logout", "set_language", "healthz", "api-token"}
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        user = request.user
        if not user.is_authenticated or is_verified(user) or not needs_two_factor(user):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in self.EXEMPT_VIEWS:
            return None
        if is_api_request(request) and view_name != "api-docs":
            if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
                # The API authenticates this request by its token (issued only after a TOTP check)
                # and ignores the session.
                return None
            return JsonResponse({"detail": OTP_SESSION_UNVERIFIED_API}, status=403)
        assert isinstance(user, User)
        target = reverse("otp-verify" if confirmed_devices(user).exists() else "otp-enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()}, safe="/")
        if request.headers.get("HX-Request"):
            # An htmx request would swap the verification page into a fragment; make it a page load.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
