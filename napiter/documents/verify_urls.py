"""The public verification page: the QR code in every signature stamp points here."""

from django.urls import path

from napiter.documents import views

app_name = "verification"

urlpatterns = [
    path("<str:code>/", views.verify, name="document"),
]
