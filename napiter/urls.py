from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from napiter.accounts import views as account_views
from napiter.accounts.api import TokenObtainApi
from napiter.api import api_root_payload
from napiter.health import healthz


@api_view(["GET"])
def api_root(request: Request) -> Response:
    return Response(api_root_payload(request))


api_v1: list[URLPattern | URLResolver] = [
    path("", api_root, name="api-root"),
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("", include("napiter.regions.api_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("masuk/", account_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wilayah/", include("napiter.regions.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
