from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from napiter.accounts import otp_views
from napiter.accounts import views as account_views
from napiter.accounts.api import TokenObtainApi
from napiter.api import api_root_payload
from napiter.health import healthz


# Declared, so that schema generation (also run by `check --deploy`) has nothing to guess.
@extend_schema(responses={200: OpenApiTypes.OBJECT}, description="Alamat sumber daya API.")
@api_view(["GET"])
def api_root(request: Request) -> Response:
    return Response(api_root_payload(request))


api_v1: list[URLPattern | URLResolver] = [
    path("", api_root, name="api-root"),
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("", include("napiter.regions.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("assistance.api_urls")),
    path("", include("assessments.api_urls")),
    path("", include("napiter.documents.api_urls")),
    path("", include("napiter.audit.api_urls")),
    path("", include("sinergi.api_urls")),
    path("", include("privacy.api_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("masuk/", account_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("masuk/verifikasi/", otp_views.verify, name="otp-verify"),
    path("masuk/aktivasi-2fa/", otp_views.enrol, name="otp-enrol"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wilayah/", include("napiter.regions.urls")),
    path("orang/", include("cases.urls")),
    path("asesmen/", include("assessments.urls")),
    path("bantuan/", include("assistance.urls")),
    path("dokumen/", include("napiter.documents.urls")),
    path("verifikasi/", include("napiter.documents.verify_urls")),
    path("audit/", include("napiter.audit.urls")),
    path("sinergi/", include("sinergi.urls")),
    path("dasbor/", include("dashboards.urls")),
    path("privasi/", include("privacy.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), so the CSP needs no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

# Under /api/, an address that matches no route answers in the API's JSON error format.
handler404 = "napiter.api.page_not_found"
