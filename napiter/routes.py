"""Every URL route and API operation, with who may use it. Enforced by `RouteAccessMiddleware`.

The registry fails closed: a route that is not listed here answers 404 to every signed-in user, and a
test walks Django's URL resolver and the OpenAPI schema so that a new route without an entry fails the
suite. Roles decide which routes a user may open at all; which *records* they see is decided by the
scoped selectors (napiter.accounts.access). Either refusal answers 404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions, permissions

from napiter.accounts import roles
from napiter.accounts.models import User

if TYPE_CHECKING:  # rest_framework.views imports the API settings, which import this module
    from rest_framework.request import Request
    from rest_framework.views import APIView

PUBLIC = "public"  # no login needed
SIGNED_IN = "signed_in"  # any signed-in user


@dataclass(frozen=True)
class Route:
    view_name: str
    allowed: frozenset[str] | str
    methods: frozenset[str] = frozenset({"GET"})
    # The kind of record the route's `pk` names, for the access matrix tests ("person", ...).
    subject: str | None = None
    api: bool = False
    notes: str = field(default="", compare=False)

    def permits(self, user: User) -> bool:
        if self.allowed in (PUBLIC, SIGNED_IN):
            return True
        return bool(set(user.role_names()) & set(self.allowed))


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


PEOPLE_ROLES = _roles(roles.PENDAMPING, roles.SUPERVISOR, roles.KOORDINATOR, roles.ASESOR)
CASEWORK_ROLES = _roles(roles.PENDAMPING, roles.SUPERVISOR)
ALL_ROLES = frozenset(roles.ROLES)
AUDIT_ROLES = _roles(roles.AUDITOR, roles.ADMIN)
GET, POST = frozenset({"GET"}), frozenset({"POST"})
# Documents about people (case reports, ...); kinds about sinergi plans will add the K/L planner.
# Sinergi: BNPT coordinators, K/L planners and the K/L officials who sign the berita acara.
SINERGI_ROLES = _roles(roles.KOORDINATOR, roles.PERENCANA, roles.PEJABAT_KL)
PLANNER, COORDINATOR = _roles(roles.PERENCANA), _roles(roles.KOORDINATOR)
# The planner is let through approve/return so that the service answers 403 with its reason, as the API promises.
REVIEW_ROLES = _roles(roles.KOORDINATOR, roles.PERENCANA)
# Privacy (UU 27/2022): the DPO; supervisors also handle data subject requests for people in their scope.
DPO = _roles(roles.DPO)
SUBJECT_REQUEST_ROLES = _roles(roles.DPO, roles.SUPERVISOR)
DOCUMENT_ROLES = PEOPLE_ROLES | SINERGI_ROLES | DPO
ASSESSOR_ROLES = _roles(roles.ASESOR)
ASSESSMENT_READERS = PEOPLE_ROLES | {roles.ADMIN}
INSTRUMENT_ADMINS = _roles(roles.KOORDINATOR, roles.ADMIN)

ROUTES: dict[str, Route] = {
    r.view_name: r
    for r in [
        # Pages
        Route("home", SIGNED_IN),
        Route("login", PUBLIC, frozenset({"GET", "POST"})),
        Route("logout", PUBLIC, POST),
        Route("otp-verify", SIGNED_IN, frozenset({"GET", "POST"})),
        Route("otp-enrol", SIGNED_IN, frozenset({"GET", "POST"})),
        Route("set_language", PUBLIC, POST),
        Route("healthz", PUBLIC),
        Route("regions:browse", ALL_ROLES - {roles.AUDITOR}),
        Route("regions:options", ALL_ROLES - {roles.AUDITOR}),
        Route("cases:person-list", PEOPLE_ROLES),
        Route("cases:person-create", CASEWORK_ROLES, frozenset({"GET", "POST"})),
        Route("cases:person-similar", PEOPLE_ROLES),
        Route("cases:person-check", CASEWORK_ROLES, POST),
        Route("cases:visit-check", CASEWORK_ROLES, POST),
        Route("cases:person-import", CASEWORK_ROLES, frozenset({"GET", "POST"})),
        Route("cases:person-import-template", CASEWORK_ROLES),
        Route("cases:person-import-report", CASEWORK_ROLES, POST),
        # A working list, NIK masked, every row logged; the assessor works person by person instead.
        Route("cases:person-export", _roles(roles.PENDAMPING, roles.SUPERVISOR, roles.KOORDINATOR)),
        Route("cases:dtsen-import", _roles(roles.SUPERVISOR, roles.KOORDINATOR), frozenset({"GET", "POST"})),
        Route("cases:person-detail", PEOPLE_ROLES, subject="person"),
        Route("cases:person-reveal", PEOPLE_ROLES, POST, subject="person"),
        Route("cases:person-photo", PEOPLE_ROLES, subject="person_photo"),
        Route("cases:person-photo-upload", CASEWORK_ROLES, POST, subject="person"),
        Route("cases:visit-photo", PEOPLE_ROLES, subject="visit_photo"),
        Route("cases:case-open", CASEWORK_ROLES, POST, subject="person"),
        Route("cases:case-detail", PEOPLE_ROLES, subject="case"),
        Route("cases:case-transition", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:case-close", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:visit-create", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:note-create", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:case-plan", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:due-list", CASEWORK_ROLES),
        Route("cases:referral-create", CASEWORK_ROLES, frozenset({"GET", "POST"}), subject="case"),
        # The receiving office answers a referral or transfer on the case page its grant opens to it.
        Route("cases:referral-respond", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:referral-complete", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:transfer-request", CASEWORK_ROLES, frozenset({"GET", "POST"}), subject="case"),
        Route("cases:transfer-accept", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:transfer-decline", CASEWORK_ROLES, POST, subject="case"),
        Route("cases:transfer-cancel", CASEWORK_ROLES, POST, subject="case"),
        Route("audit:access-list", AUDIT_ROLES),
        Route("audit:change-list", AUDIT_ROLES),
        Route("documents:list", DOCUMENT_ROLES),
        Route("documents:request", DOCUMENT_ROLES, POST),
        Route("documents:detail", DOCUMENT_ROLES, subject="document"),
        Route("documents:sign", DOCUMENT_ROLES, POST, subject="document"),
        # Many signatures at once, queued for the workers: each document is checked against the user's scope.
        Route("documents:sign-batch", DOCUMENT_ROLES, frozenset({"GET", "POST"})),
        Route("documents:preview", DOCUMENT_ROLES, subject="document"),
        Route("documents:download", DOCUMENT_ROLES, subject="document"),
        # Assistance: programmes are reference data; grants follow their person's scope.
        Route("assistance:programme-list", PEOPLE_ROLES),
        Route("assistance:programme-detail", PEOPLE_ROLES, subject="programme"),
        Route("assistance:grant-list", PEOPLE_ROLES),
        Route("assistance:grant-export", PEOPLE_ROLES),
        Route("assistance:monitoring-due", CASEWORK_ROLES),
        Route("assistance:grant-create", CASEWORK_ROLES, frozenset({"GET", "POST"}), subject="person"),
        Route("assistance:grant-detail", PEOPLE_ROLES, subject="grant"),
        Route("assistance:grant-verify", CASEWORK_ROLES, POST, subject="grant"),
        Route("assistance:grant-approve", _roles(roles.SUPERVISOR), POST, subject="grant"),
        Route("assistance:grant-reject", _roles(roles.SUPERVISOR), POST, subject="grant"),
        Route("assistance:grant-cancel", CASEWORK_ROLES, POST, subject="grant"),
        Route("assistance:grant-deliver", CASEWORK_ROLES, POST, subject="grant"),
        Route("assistance:grant-monitor", CASEWORK_ROLES, POST, subject="grant"),
        Route("assistance:grant-alert-acknowledge", _roles(roles.SUPERVISOR), POST, subject="grant"),
        Route("assistance:grant-photo", PEOPLE_ROLES, subject="grant_photo"),
        Route("assistance:grant-signature", PEOPLE_ROLES, subject="grant_signature"),
        Route("assistance:monitoring-photo", PEOPLE_ROLES, subject="monitoring_photo"),
        # Public: the QR code on every signed document leads here; rate-limited, no personal data.
        Route("verification:document", PUBLIC, frozenset({"GET", "POST"}), subject="verification"),
        # API
        Route("api-root", SIGNED_IN, api=True),
        Route("api-token", PUBLIC, POST, api=True),
        # The API contract is not secret: integrators read it before they have an account.
        Route("api-schema", PUBLIC, api=True),
        Route("api-docs", PUBLIC),
        Route("region-list", SIGNED_IN, api=True),
        Route("region-detail", SIGNED_IN, subject="region", api=True),
        Route("person-list", PEOPLE_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("person-detail", PEOPLE_ROLES, subject="person", api=True),
        Route("person-reveal", PEOPLE_ROLES, POST, subject="person", api=True),
        Route("case-list", PEOPLE_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("case-detail", PEOPLE_ROLES, subject="case", api=True),
        Route("case-transition", PEOPLE_ROLES, POST, subject="case", api=True),
        Route("case-assign", PEOPLE_ROLES, POST, subject="case", api=True),
        Route("household-list", PEOPLE_ROLES, api=True),
        Route("household-detail", PEOPLE_ROLES, subject="household", api=True),
        Route("case-close", PEOPLE_ROLES, POST, subject="case", api=True),
        Route("case-visits", PEOPLE_ROLES, frozenset({"GET", "POST"}), subject="case", api=True),
        Route("case-refer", CASEWORK_ROLES, POST, subject="case", api=True),
        Route("case-transfer", CASEWORK_ROLES, POST, subject="case", api=True),
        Route("case-transfer-accept", CASEWORK_ROLES, POST, subject="case", api=True),
        Route("case-transfer-decline", CASEWORK_ROLES, POST, subject="case", api=True),
        Route("audit-event-list", AUDIT_ROLES, api=True),
        Route("document-list", DOCUMENT_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("document-detail", DOCUMENT_ROLES, subject="document", api=True),
        Route("document-sign", DOCUMENT_ROLES, POST, subject="document", api=True),
        Route("document-download", DOCUMENT_ROLES, subject="document", api=True),
        Route("programme-list", PEOPLE_ROLES, api=True),
        Route("programme-detail", PEOPLE_ROLES, subject="programme", api=True),
        Route("grant-list", PEOPLE_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("grant-detail", PEOPLE_ROLES, subject="grant", api=True),
        Route("grant-verify", CASEWORK_ROLES, POST, subject="grant", api=True),
        Route("grant-approve", _roles(roles.SUPERVISOR), POST, subject="grant", api=True),
        Route("grant-reject", _roles(roles.SUPERVISOR), POST, subject="grant", api=True),
        Route("grant-cancel", CASEWORK_ROLES, POST, subject="grant", api=True),
        Route("grant-deliver", CASEWORK_ROLES, POST, subject="grant", api=True),
        Route("grant-monitoring", CASEWORK_ROLES, frozenset({"GET", "POST"}), subject="grant", api=True),
        Route("instrument-list", ASSESSMENT_READERS, api=True),
        Route("instrument-detail", ASSESSMENT_READERS, subject="instrument", api=True),
        Route("instrument-export", INSTRUMENT_ADMINS, subject="instrument", api=True),
        Route("instrument-import", INSTRUMENT_ADMINS, POST, api=True),
        # Everyone working with people reads assessments (item ratings only with their permission); the
        # services refuse writes to anyone but an asesor.
        Route("assessment-list", PEOPLE_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("assessment-detail", PEOPLE_ROLES, frozenset({"GET", "PATCH"}), subject="assessment", api=True),
        Route("assessment-submit", ASSESSOR_ROLES, POST, subject="assessment", api=True),
        Route("assessment-amend", ASSESSOR_ROLES, POST, subject="assessment", api=True),
        Route("trajectory-detail", PEOPLE_ROLES, subject="person", api=True),
        Route("assessments:due", PEOPLE_ROLES),
        Route("assessments:effect", PEOPLE_ROLES),
        Route("assessments:person", PEOPLE_ROLES, subject="person"),
        Route("assessments:start", ASSESSOR_ROLES, POST, subject="person"),
        Route("assessments:detail", PEOPLE_ROLES, subject="assessment"),
        Route("assessments:fill", ASSESSOR_ROLES, frozenset({"GET", "POST"}), subject="assessment"),
        Route("assessments:amend", ASSESSOR_ROLES, POST, subject="assessment"),
        Route("assessments:second", ASSESSOR_ROLES, POST, subject="assessment"),
        # Dashboards: every role opens its own (tiles follow its permissions and scope); reports are the offices'.
        Route("dashboards:home", SIGNED_IN),
        Route("dashboards:export", SIGNED_IN),
        Route("dashboards:provinces", PEOPLE_ROLES | SINERGI_ROLES),
        Route("dashboards:provinces-export", PEOPLE_ROLES | SINERGI_ROLES),
        Route("dashboards:report-list", PEOPLE_ROLES),
        Route("dashboards:report-create", _roles(roles.SUPERVISOR), POST),
        Route("dashboards:report-detail", PEOPLE_ROLES, frozenset({"GET", "POST"}), subject="periodic_report"),
        Route("dashboards:report-request", _roles(roles.SUPERVISOR), POST, subject="periodic_report"),
        Route("sinergi:dashboard", SINERGI_ROLES),
        Route("sinergi:plan-list", SINERGI_ROLES),
        Route("sinergi:plan-create", PLANNER, frozenset({"GET", "POST"})),
        Route("sinergi:plan-import", PLANNER, frozenset({"GET", "POST"})),
        Route("sinergi:plan-import-report", PLANNER, POST),
        Route("sinergi:plan-detail", SINERGI_ROLES, subject="action_plan"),
        Route("sinergi:plan-edit", PLANNER, frozenset({"GET", "POST"}), subject="action_plan"),
        Route("sinergi:plan-submit", PLANNER, POST, subject="action_plan"),
        Route("sinergi:plan-approve", COORDINATOR, POST, subject="action_plan"),
        Route("sinergi:plan-return", COORDINATOR, POST, subject="action_plan"),
        Route("sinergi:plan-bulk-approve", COORDINATOR, POST),
        Route("sinergi:realisation-create", PLANNER, POST, subject="action_plan"),
        Route("sinergi:agreement-list", SINERGI_ROLES),
        Route("sinergi:agreement-create", COORDINATOR, POST),
        Route("sinergi:agreement-detail", SINERGI_ROLES, subject="agreement"),
        Route("sinergi:addendum-create", PLANNER, frozenset({"GET", "POST"}), subject="agreement"),
        Route("sinergi:addendum-list", SINERGI_ROLES),
        Route("sinergi:addendum-detail", SINERGI_ROLES, subject="addendum"),
        Route("sinergi:addendum-approve", COORDINATOR, POST, subject="addendum"),
        Route("sinergi:addendum-return", COORDINATOR, POST, subject="addendum"),
        Route("privacy:request-list", SUBJECT_REQUEST_ROLES),
        Route("privacy:request-create", SUBJECT_REQUEST_ROLES, frozenset({"GET", "POST"}), subject="person"),
        Route("privacy:request-detail", SUBJECT_REQUEST_ROLES, subject="subject_request"),
        Route("privacy:request-export", SUBJECT_REQUEST_ROLES, POST, subject="subject_request"),
        Route("privacy:request-export-json", SUBJECT_REQUEST_ROLES, subject="subject_request"),
        Route("privacy:request-close", SUBJECT_REQUEST_ROLES, POST, subject="subject_request"),
        Route("privacy:hold-place", DPO, POST, subject="person"),
        Route("privacy:hold-lift", DPO, POST, subject="legal_hold"),
        Route("privacy:ropa", DPO),
        Route("privacy:category-edit", DPO, frozenset({"GET", "POST"}), subject="data_category"),
        Route("privacy:retention", DPO),
        Route("privacy:retention-run", DPO, POST),
        Route("privacy:breach-list", DPO),
        Route("privacy:breach-create", DPO, frozenset({"GET", "POST"})),
        Route("privacy:breach-detail", DPO, subject="breach"),
        Route("privacy:breach-notified", DPO, POST, subject="breach"),
        Route("data-category-list", DPO, api=True),
        Route("data-category-detail", DPO, subject="data_category", api=True),
        Route("subject-request-list", SUBJECT_REQUEST_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("subject-request-detail", SUBJECT_REQUEST_ROLES, subject="subject_request", api=True),
        Route("subject-request-export", SUBJECT_REQUEST_ROLES, subject="subject_request", api=True),
        Route("ministry-list", SINERGI_ROLES, api=True),
        Route("ministry-detail", SINERGI_ROLES, subject="ministry", api=True),
        Route("action-plan-list", SINERGI_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("action-plan-detail", SINERGI_ROLES, subject="action_plan", api=True),
        Route("action-plan-submit", PLANNER, POST, subject="action_plan", api=True),
        Route("action-plan-approve", REVIEW_ROLES, POST, subject="action_plan", api=True),
        Route("action-plan-return", REVIEW_ROLES, POST, subject="action_plan", api=True),
        Route("action-plan-realisations", SINERGI_ROLES, frozenset({"GET", "POST"}), subject="action_plan", api=True),
        Route("addendum-list", SINERGI_ROLES, frozenset({"GET", "POST"}), api=True),
        Route("addendum-detail", SINERGI_ROLES, subject="addendum", api=True),
        Route("addendum-approve", REVIEW_ROLES, POST, subject="addendum", api=True),
        Route("addendum-return", REVIEW_ROLES, POST, subject="addendum", api=True),
    ]
}

# Namespaces that guard themselves and are not part of the application's role model.
SELF_GUARDED_NAMESPACES = frozenset({"admin"})


def route_for(request: HttpRequest) -> Route | None:
    match = request.resolver_match
    return ROUTES.get(match.view_name) if match is not None else None


class RegistryPermission(permissions.BasePermission):
    """DRF's default permission: the registry decides, after DRF has authenticated the token or session."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        route = route_for(request._request)
        if route is None:
            raise exceptions.NotFound()
        if route.allowed == PUBLIC:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not route.permits(request.user):
            raise exceptions.NotFound()
        return True


class RouteAccessMiddleware:
    """Refuse, with 404, any signed-in user whose roles the route's registry entry does not allow.

    API routes are left to `RegistryPermission`: token users are only known once DRF has authenticated them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: object, view_kwargs: object
    ) -> None:
        match = request.resolver_match
        if match is None or SELF_GUARDED_NAMESPACES.intersection(match.namespaces):
            return
        route = ROUTES.get(match.view_name)
        if route is None:
            raise Http404("Data tidak ditemukan.")
        if route.api:
            return
        user = request.user
        if user.is_authenticated and not route.permits(user):
            raise Http404("Data tidak ditemukan.")
        return
