from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from napiter.accounts.forms import INVALID_LOGIN
from napiter.accounts.models import User
from napiter.accounts.security import (
    OTP_INVALID,
    OTP_NOT_ENROLLED_API,
    OTP_REQUIRED_API,
    OTP_THROTTLED,
    OTPThrottled,
    confirmed_devices,
    lockout_message,
    needs_two_factor,
    otp_token_verify,
)


class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=12,
        required=False,
        help_text="Kode 6 digit dari aplikasi autentikator; wajib untuk peran dengan verifikasi dua langkah.",
    )


class TokenObtainApi(APIView):
    """Exchange a username and password (and, for roles with two-step verification, the authenticator's
    current code) for an API token (`Authorization: Token <key>`). Failures count towards the same lockout
    as the login page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            return Response({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return Response({"detail": INVALID_LOGIN}, status=status.HTTP_400_BAD_REQUEST)
        assert isinstance(user, User)
        if needs_two_factor(user):
            refusal = self._second_factor_refusal(user, data.validated_data.get("otp", ""))
            if refusal is not None:
                return Response({"detail": refusal}, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @staticmethod
    def _second_factor_refusal(user: User, otp: str) -> str | None:
        """Why the token is refused for want of a valid code, or None when the code is good."""
        if not confirmed_devices(user).exists():
            return OTP_NOT_ENROLLED_API
        code = otp.replace(" ", "")
        if not code:
            return OTP_REQUIRED_API
        try:
            device = otp_token_verify(user=user, token=code)
        except OTPThrottled:
            return OTP_THROTTLED
        return None if device is not None else OTP_INVALID
