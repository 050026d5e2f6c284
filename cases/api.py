from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases.filters import PersonFilterSet
from cases.models import Case, Household, Person, PersonQuerySet
from cases.selectors import (
    case_get_for_user,
    cases_visible_to,
    households_visible_to,
    people_visible_to,
    person_get_for_user,
)
from cases.serializers import (
    CaseAssignSerializer,
    CaseCloseSerializer,
    CaseOpenSerializer,
    CaseSerializer,
    CaseTransitionSerializer,
    HouseholdSerializer,
    PersonCreateSerializer,
    PersonSerializer,
    RevealRequestSerializer,
    RevealResponseSerializer,
    VisitSerializer,
)
from cases.serializers_workflow import (
    ReferralCreateSerializer,
    ReferralSerializer,
    TransferDecisionSerializer,
    TransferRequestSerializer,
    TransferSerializer,
)
from cases.services import (
    DuplicatePerson,
    case_assign,
    case_close,
    case_open,
    case_read,
    case_transition,
    case_visits_read,
    cases_listed,
    household_read,
    households_listed,
    people_listed,
    person_duplicates_shown,
    person_read,
    person_register,
    person_reveal,
    visit_record,
)
from cases.workflows import referral_create, transfer_accept, transfer_decline, transfer_request
from napiter.accounts.models import User
from napiter.api import validation_error
from napiter.audit.mixins import LoggedListMixin


class PersonViewSet(LoggedListMixin[Person], mixins.RetrieveModelMixin, viewsets.GenericViewSet[Person]):
    """People the caller may see (their jurisdiction and explicit grants). Each page and retrieve is logged."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    @extend_schema(request=PersonCreateSerializer, responses={201: PersonSerializer})
    def create(self, request: Request) -> Response:
        """Register a person in the caller's territory (NIK, KK and duplicate rules as on the form)."""
        data = PersonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            person, warnings = person_register(user=request.user, data=data.to_input())  # type: ignore[arg-type]
        except DuplicatePerson as exc:
            body: dict[str, object] = {"detail": exc.message_dict["nik"][0]}
            if exc.existing is not None:
                body["existing_id"] = exc.existing.pk
                person_duplicates_shown(user=request.user, people=[exc.existing], request=request._request)  # type: ignore[arg-type]
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return Response({**PersonSerializer(person).data, "warnings": warnings}, status=status.HTTP_201_CREATED)

    def get_queryset(self) -> PersonQuerySet:
        user: User = self.request.user  # type: ignore[assignment]
        return people_visible_to(user).order_by("full_name", "id")

    def log_listed(self, request: Request, rows: Sequence[Person]) -> None:
        # A search by name or NIK is logged as one, by its kind (the filter set has validated `q`).
        search = str(request.query_params.get("q", ""))
        people_listed(user=request.user, people=rows, search=search, request=request._request)  # type: ignore[arg-type]

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        person = person_read(user=request.user, pk=str(kwargs["pk"]), request=request._request)  # type: ignore[arg-type]
        return Response(PersonSerializer(person).data)

    @extend_schema(request=RevealRequestSerializer, responses={200: RevealResponseSerializer})
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        """Reveal sensitive fields with a reason; the reveal is recorded in the audit trail."""
        # Scope first: an out-of-scope caller gets the same 404 whatever the body holds.
        person_get_for_user(request.user, pk)  # type: ignore[arg-type]
        data = RevealRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            values = person_reveal(
                user=request.user,  # type: ignore[arg-type]
                pk=pk,
                fields=data.validated_data["fields"],
                reason=data.validated_data["reason"],
                request=request._request,
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return Response(values)


class CaseViewSet(LoggedListMixin[Case], mixins.RetrieveModelMixin, viewsets.GenericViewSet[Case]):
    """Cases of the people the caller may see. Stage changes, closing and visits are actions."""

    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        return cases_visible_to(self.request.user).select_related("office", "caseworker").order_by("-id")  # type: ignore[arg-type]

    def log_listed(self, request: Request, rows: Sequence[Case]) -> None:
        cases_listed(user=request.user, cases=rows, request=request._request)  # type: ignore[arg-type]

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        case = case_read(user=request.user, pk=str(kwargs["pk"]), request=request._request)  # type: ignore[arg-type]
        return Response(CaseSerializer(case).data)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request: Request) -> Response:
        data = CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_get_for_user(request.user, data.validated_data["person"])  # type: ignore[arg-type]
        try:
            case = case_open(
                user=request.user,  # type: ignore[arg-type]
                person=person,
                approach=data.validated_data["approach"],
                goals=data.validated_data.get("goals", ""),
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    def _act(
        self,
        request: Request,
        pk: str,
        body: type[serializers.Serializer[Any]],
        run: Callable[..., Model],
        out: type[serializers.Serializer[Any]],
        *,
        pk_arg: str = "case_pk",
        created: bool = False,
    ) -> Response:
        """One case action: scope first (out of scope is 404 whatever the body), then the body, then the service."""
        case_get_for_user(request.user, pk)  # type: ignore[arg-type]
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = run(user=request.user, **{pk_arg: pk}, **data.validated_data)
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return Response(out(result).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=CaseAssignSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """Give the case to a caseworker (username) of the owning office."""
        return self._act(request, pk, CaseAssignSerializer, case_assign, CaseSerializer, pk_arg="pk")

    @extend_schema(request=CaseTransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        """Move the case to the next stage, or back to an earlier one with a note."""
        return self._act(request, pk, CaseTransitionSerializer, case_transition, CaseSerializer, pk_arg="pk")

    @extend_schema(request=CaseCloseSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close the case with a reason (reintegrated, moved abroad, re-arrested, died)."""
        return self._act(request, pk, CaseCloseSerializer, case_close, CaseSerializer, pk_arg="pk")

    @extend_schema(methods=["GET"], responses={200: VisitSerializer(many=True)})
    @extend_schema(methods=["POST"], request=VisitSerializer, responses={201: VisitSerializer})
    # A nested list, answered whole: neither the viewset's paging nor its filters apply (nor are documented).
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def visits(self, request: Request, pk: str) -> Response:
        """The case's monitoring visits; POST records one."""
        if request.method == "GET":
            visits = case_visits_read(user=request.user, pk=pk, request=request._request)  # type: ignore[arg-type]
            return Response(VisitSerializer(visits, many=True).data)
        return self._act(request, pk, VisitSerializer, visit_record, VisitSerializer, created=True)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        """Refer the case (owning office), with consent: to another office, an LKS, an agency or Sekolah Rakyat."""
        return self._act(request, pk, ReferralCreateSerializer, referral_create, ReferralSerializer, created=True)

    @extend_schema(request=TransferRequestSerializer, responses={201: TransferSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        """Ask the Dinas Sosial of the person's new territory to take the case over (owning office)."""
        return self._act(request, pk, TransferRequestSerializer, transfer_request, TransferSerializer, created=True)

    @extend_schema(request=TransferDecisionSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"], url_path="transfer/accept")
    def transfer_accept(self, request: Request, pk: str) -> Response:
        """Accept the pending transfer (receiving office): the case and the person move to your office."""
        return self._act(request, pk, TransferDecisionSerializer, transfer_accept, TransferSerializer)

    @extend_schema(request=TransferDecisionSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"], url_path="transfer/decline")
    def transfer_decline(self, request: Request, pk: str) -> Response:
        """Decline the pending transfer (receiving office), with a note saying why."""
        return self._act(request, pk, TransferDecisionSerializer, transfer_decline, TransferSerializer)


class HouseholdViewSet(LoggedListMixin[Household], mixins.RetrieveModelMixin, viewsets.GenericViewSet[Household]):
    """Households (KK) with at least one member the caller may see; only those members are listed."""

    serializer_class = HouseholdSerializer

    def get_queryset(self) -> QuerySet[Household]:
        return households_visible_to(self.request.user)  # type: ignore[arg-type]

    def log_listed(self, request: Request, rows: Sequence[Household]) -> None:
        households_listed(user=request.user, households=rows, request=request._request)  # type: ignore[arg-type]

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        household = household_read(user=request.user, pk=str(kwargs["pk"]), request=request._request)  # type: ignore[arg-type]
        return Response(HouseholdSerializer(household).data)
