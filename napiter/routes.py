"""Every URL route and API operation, with the policy action it needs. Enforced by `RouteAccessMiddleware`.

The registry fails closed: a route that is not listed here answers 404 to every signed-in user, and a
test walks Django's URL resolver and the OpenAPI schema so that a new route without an entry fails the
suite. The action (declared in `napiter.policy`) decides which roles may open the route at all; which
*records* they see is decided by the same action's scope rule, in the selectors. Either refusal answers
404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions, permissions

from napiter import policy
from napiter.accounts.models import User

if TYPE_CHECKING:  # rest_framework.views imports the API settings, which import this module
    from rest_framework.request import Request
    from rest_framework.views import APIView


@dataclass(frozen=True)
class Route:
    view_name: str
    action: str
    methods: frozenset[str] = frozenset({"GET"})
    # The kind of record the route's `pk` names, for the access matrix tests ("person", ...).
    subject: str | None = None
    api: bool = False
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        policy.action(self.action)  # an undeclared action fails at import, not at the first request

    @property
    def public(self) -> bool:
        return policy.action(self.action).scope == policy.Scope.PUBLIC

    def permits(self, user: User) -> bool:
        return policy.holds(user, self.action)


GET, POST = frozenset({"GET"}), frozenset({"POST"})

ROUTES: dict[str, Route] = {
    r.view_name: r
    for r in [
        # Pages
        Route("home", "signed_in"),
        Route("login", "public", frozenset({"GET", "POST"})),
        Route("logout", "public", POST),
        Route("otp-verify", "signed_in", frozenset({"GET", "POST"})),
        Route("otp-enrol", "signed_in", frozenset({"GET", "POST"})),
        Route("set_language", "public", POST),
        Route("healthz", "public"),
        Route("regions:browse", "region.view"),
        Route("regions:options", "region.view"),
        Route("cases:person-list", "person.view"),
        Route("cases:person-create", "person.register", frozenset({"GET", "POST"})),
        Route("cases:person-similar", "person.view"),
        Route("cases:person-check", "person.register", POST),
        Route("cases:visit-check", "case.work", POST),
        Route("cases:person-import", "person.register", frozenset({"GET", "POST"})),
        Route("cases:person-import-template", "person.register"),
        Route("cases:person-import-report", "person.register", POST),
        # A working list, NIK masked, every row logged; the assessor works person by person instead.
        Route("cases:person-export", "person.export"),
        Route("cases:dtsen-import", "dtsen.import", frozenset({"GET", "POST"})),
        Route("cases:person-detail", "person.view", subject="person"),
        Route("cases:person-reveal", "person.reveal", POST, subject="person"),
        Route("cases:person-photo", "person.view", subject="person_photo"),
        Route("cases:person-photo-upload", "person.edit", POST, subject="person"),
        Route("cases:visit-photo", "person.view", subject="visit_photo"),
        Route("cases:case-open", "case.open", POST, subject="person"),
        Route("cases:case-detail", "person.view", subject="case"),
        Route("cases:case-transition", "case.work", POST, subject="case"),
        Route("cases:case-close", "case.work", POST, subject="case"),
        Route("cases:visit-create", "case.work", POST, subject="case"),
        Route("cases:note-create", "case.work", POST, subject="case"),
        Route("cases:case-plan", "case.work", POST, subject="case"),
        Route("cases:due-list", "case.due"),
        Route("cases:referral-create", "case.work", frozenset({"GET", "POST"}), subject="case"),
        # The receiving office answers a referral or transfer on the case page its grant opens to it.
        Route("cases:referral-respond", "case.work", POST, subject="case"),
        Route("cases:referral-complete", "case.work", POST, subject="case"),
        Route("cases:transfer-request", "case.work", frozenset({"GET", "POST"}), subject="case"),
        Route("cases:transfer-accept", "case.work", POST, subject="case"),
        Route("cases:transfer-decline", "case.work", POST, subject="case"),
        Route("cases:transfer-cancel", "case.work", POST, subject="case"),
        Route("audit:access-list", "audit.view"),
        Route("audit:change-list", "audit.view"),
        Route("documents:list", "document.view"),
        Route("documents:request", "document.request", POST),
        Route("documents:detail", "document.view", subject="document"),
        Route("documents:sign", "document.sign", POST, subject="document"),
        # Many signatures at once, queued for the workers: each document is checked against the user's scope.
        Route("documents:sign-batch", "document.sign", frozenset({"GET", "POST"})),
        Route("documents:preview", "document.view", subject="document"),
        Route("documents:download", "document.view", subject="document"),
        # Assistance: programmes are reference data; grants follow their person's scope.
        Route("assistance:programme-list", "programme.view"),
        Route("assistance:programme-detail", "programme.view", subject="programme"),
        Route("assistance:grant-list", "grant.view"),
        Route("assistance:grant-export", "grant.export"),
        Route("assistance:monitoring-due", "grant.work"),
        Route("assistance:grant-create", "grant.work", frozenset({"GET", "POST"}), subject="person"),
        Route("assistance:grant-detail", "grant.view", subject="grant"),
        Route("assistance:grant-verify", "grant.work", POST, subject="grant"),
        Route("assistance:grant-approve", "grant.approve", POST, subject="grant"),
        Route("assistance:grant-reject", "grant.approve", POST, subject="grant"),
        Route("assistance:grant-cancel", "grant.work", POST, subject="grant"),
        Route("assistance:grant-deliver", "grant.work", POST, subject="grant"),
        Route("assistance:grant-monitor", "grant.work", POST, subject="grant"),
        Route("assistance:grant-alert-acknowledge", "grant.approve", POST, subject="grant"),
        Route("assistance:grant-photo", "grant.view", subject="grant_photo"),
        Route("assistance:grant-signature", "grant.view", subject="grant_signature"),
        Route("assistance:monitoring-photo", "grant.view", subject="monitoring_photo"),
        # Public: the QR code on every signed document leads here; rate-limited, no personal data.
        Route("verification:document", "public", frozenset({"GET", "POST"}), subject="verification"),
        # API
        Route("api-root", "signed_in", api=True),
        Route("api-token", "public", POST, api=True),
        # The API contract is not secret: integrators read it before they have an account.
        Route("api-schema", "public", api=True),
        Route("api-docs", "public"),
        Route("region-list", "signed_in", api=True),
        Route("region-detail", "signed_in", subject="region", api=True),
        Route("person-list", "person.view", frozenset({"GET", "POST"}), api=True),
        Route("person-detail", "person.view", subject="person", api=True),
        Route("person-reveal", "person.reveal", POST, subject="person", api=True),
        Route("case-list", "person.view", frozenset({"GET", "POST"}), api=True),
        Route("case-detail", "person.view", subject="case", api=True),
        Route("case-transition", "person.view", POST, subject="case", api=True),
        Route("case-assign", "person.view", POST, subject="case", api=True),
        Route("household-list", "person.view", api=True),
        Route("household-detail", "person.view", subject="household", api=True),
        Route("case-close", "person.view", POST, subject="case", api=True),
        Route("case-visits", "person.view", frozenset({"GET", "POST"}), subject="case", api=True),
        Route("case-refer", "case.work", POST, subject="case", api=True),
        Route("case-transfer", "case.work", POST, subject="case", api=True),
        Route("case-transfer-accept", "case.work", POST, subject="case", api=True),
        Route("case-transfer-decline", "case.work", POST, subject="case", api=True),
        Route("audit-event-list", "audit.view", api=True),
        Route("document-list", "document.view", frozenset({"GET", "POST"}), api=True),
        Route("document-detail", "document.view", subject="document", api=True),
        Route("document-sign", "document.sign", POST, subject="document", api=True),
        Route("document-download", "document.view", subject="document", api=True),
        Route("programme-list", "programme.view", api=True),
        Route("programme-detail", "programme.view", subject="programme", api=True),
        Route("grant-list", "grant.view", frozenset({"GET", "POST"}), api=True),
        Route("grant-detail", "grant.view", subject="grant", api=True),
        Route("grant-verify", "grant.work", POST, subject="grant", api=True),
        Route("grant-approve", "grant.approve", POST, subject="grant", api=True),
        Route("grant-reject", "grant.approve", POST, subject="grant", api=True),
        Route("grant-cancel", "grant.work", POST, subject="grant", api=True),
        Route("grant-deliver", "grant.work", POST, subject="grant", api=True),
        Route("grant-monitoring", "grant.work", frozenset({"GET", "POST"}), subject="grant", api=True),
        Route("instrument-list", "instrument.view", api=True),
        Route("instrument-detail", "instrument.view", subject="instrument", api=True),
        Route("instrument-export", "instrument.manage", subject="instrument", api=True),
        Route("instrument-import", "instrument.manage", POST, api=True),
        # Everyone working with people reads assessments (item ratings only with their permission); the
        # services refuse writes to anyone but an asesor.
        Route("assessment-list", "assessment.view", frozenset({"GET", "POST"}), api=True),
        Route("assessment-detail", "assessment.view", frozenset({"GET", "PATCH"}), subject="assessment", api=True),
        Route("assessment-submit", "assessment.write", POST, subject="assessment", api=True),
        Route("assessment-amend", "assessment.write", POST, subject="assessment", api=True),
        Route("trajectory-detail", "assessment.view", subject="person", api=True),
        Route("assessments:due", "assessment.view"),
        Route("assessments:effect", "assessment.view"),
        Route("assessments:person", "assessment.view", subject="person"),
        Route("assessments:start", "assessment.write", POST, subject="person"),
        Route("assessments:detail", "assessment.view", subject="assessment"),
        Route("assessments:fill", "assessment.write", frozenset({"GET", "POST"}), subject="assessment"),
        Route("assessments:amend", "assessment.write", POST, subject="assessment"),
        Route("assessments:second", "assessment.write", POST, subject="assessment"),
        # Dashboards: every role opens its own (tiles follow its permissions and scope); reports are the offices'.
        Route("dashboards:home", "signed_in"),
        Route("dashboards:export", "signed_in"),
        Route("dashboards:provinces", "dashboard.map"),
        Route("dashboards:provinces-export", "dashboard.map"),
        Route("dashboards:report-list", "report.view"),
        Route("dashboards:report-create", "report.create", POST),
        Route("dashboards:report-detail", "report.view", frozenset({"GET", "POST"}), subject="periodic_report"),
        Route("dashboards:report-request", "report.create", POST, subject="periodic_report"),
        Route("sinergi:dashboard", "plan.view"),
        Route("sinergi:plan-list", "plan.view"),
        Route("sinergi:plan-create", "plan.write", frozenset({"GET", "POST"})),
        Route("sinergi:plan-import", "plan.write", frozenset({"GET", "POST"})),
        Route("sinergi:plan-import-report", "plan.write", POST),
        Route("sinergi:plan-detail", "plan.view", subject="action_plan"),
        Route("sinergi:plan-edit", "plan.write", frozenset({"GET", "POST"}), subject="action_plan"),
        Route("sinergi:plan-submit", "plan.write", POST, subject="action_plan"),
        Route("sinergi:plan-approve", "plan.review", POST, subject="action_plan"),
        Route("sinergi:plan-return", "plan.review", POST, subject="action_plan"),
        Route("sinergi:plan-bulk-approve", "plan.review", POST),
        Route("sinergi:realisation-create", "plan.write", POST, subject="action_plan"),
        Route("sinergi:agreement-list", "plan.view"),
        Route("sinergi:agreement-create", "agreement.create", POST),
        Route("sinergi:agreement-detail", "plan.view", subject="agreement"),
        Route("sinergi:addendum-create", "plan.write", frozenset({"GET", "POST"}), subject="agreement"),
        Route("sinergi:addendum-list", "plan.view"),
        Route("sinergi:addendum-detail", "plan.view", subject="addendum"),
        Route("sinergi:addendum-approve", "plan.review", POST, subject="addendum"),
        Route("sinergi:addendum-return", "plan.review", POST, subject="addendum"),
        Route("privacy:request-list", "subject_request.view"),
        Route("privacy:request-create", "subject_request.file", frozenset({"GET", "POST"}), subject="person"),
        Route("privacy:request-detail", "subject_request.view", subject="subject_request"),
        Route("privacy:request-export", "subject_request.fulfil", POST, subject="subject_request"),
        Route("privacy:request-export-json", "subject_request.fulfil", subject="subject_request"),
        Route("privacy:request-close", "subject_request.fulfil", POST, subject="subject_request"),
        Route("privacy:hold-place", "privacy.manage", POST, subject="person"),
        Route("privacy:hold-lift", "privacy.manage", POST, subject="legal_hold"),
        Route("privacy:ropa", "privacy.manage"),
        Route("privacy:category-edit", "privacy.manage", frozenset({"GET", "POST"}), subject="data_category"),
        Route("privacy:retention", "privacy.manage"),
        Route("privacy:retention-run", "privacy.manage", POST),
        Route("privacy:breach-list", "privacy.manage"),
        Route("privacy:breach-create", "privacy.manage", frozenset({"GET", "POST"})),
        Route("privacy:breach-detail", "privacy.manage", subject="breach"),
        Route("privacy:breach-notified", "privacy.manage", POST, subject="breach"),
        Route("data-category-list", "privacy.manage", api=True),
        Route("data-category-detail", "privacy.manage", subject="data_category", api=True),
        Route("subject-request-list", "subject_request.view", frozenset({"GET", "POST"}), api=True),
        Route("subject-request-detail", "subject_request.view", subject="subject_request", api=True),
        Route("subject-request-export", "subject_request.fulfil", subject="subject_request", api=True),
        Route("ministry-list", "plan.view", api=True),
        Route("ministry-detail", "plan.view", subject="ministry", api=True),
        Route("action-plan-list", "plan.view", frozenset({"GET", "POST"}), api=True),
        Route("action-plan-detail", "plan.view", subject="action_plan", api=True),
        Route("action-plan-submit", "plan.write", POST, subject="action_plan", api=True),
        Route("action-plan-approve", "plan.review_api", POST, subject="action_plan", api=True),
        Route("action-plan-return", "plan.review_api", POST, subject="action_plan", api=True),
        Route("action-plan-realisations", "plan.view", frozenset({"GET", "POST"}), subject="action_plan", api=True),
        Route("addendum-list", "plan.view", frozenset({"GET", "POST"}), api=True),
        Route("addendum-detail", "plan.view", subject="addendum", api=True),
        Route("addendum-approve", "plan.review_api", POST, subject="addendum", api=True),
        Route("addendum-return", "plan.review_api", POST, subject="addendum", api=True),
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
        if route.public:
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
