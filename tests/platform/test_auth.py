import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_with_wrong_password_says_so_in_indonesian(cast, client):
    response = client.post(reverse("login"), {"username": "dinsos.banten.pendamping", "password": "salah-sekali"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_does_not_reveal_whether_user_exists(cast, client):
    def page(username: str) -> str:
        html = client.post(reverse("login"), {"username": username, "password": "salah-sekali"}).content.decode()
        html = html.replace(username, "USERNAME")
        return re.sub(r"[A-Za-z0-9]{64}", "CSRF", html)  # per-response CSRF tokens differ by design

    assert page("dinsos.banten.pendamping") == page("tidak.ada.orangnya")


def test_inactive_user_gets_the_same_message(cast, client, settings):
    cast.auditor.is_active = False
    cast.auditor.save(update_fields=["is_active"])
    response = client.post(reverse("login"), {"username": "auditor", "password": settings.DEMO_PASSWORD})
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


def test_login_then_home_shows_office_and_role(cast, client, settings):
    response = client.post(
        reverse("login"), {"username": "dinsos.banten.pendamping", "password": settings.DEMO_PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Dinas Sosial Provinsi Banten" in html
    assert "Provinsi Banten" in html
    assert "Pendamping" in html
    assert '<html lang="id">' in html


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_token_auth_good_credentials(cast, client, settings):
    # The koordinator role has two-step verification: the token needs the authenticator's current code.
    from napiter.accounts.security import confirmed_devices, totp_code

    code = totp_code(confirmed_devices(cast.koordinator).get())
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "bnpt.koordinator", "password": settings.DEMO_PASSWORD, "otp": code},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40
    api = client.__class__()
    me = api.get("/api/v1/regions/?parent=36", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert {r["code"] for r in me.json()["results"]} >= {"36.01", "36.71"}


def test_token_auth_bad_credentials(cast, client):
    response = client.post(
        "/api/v1/auth/token/", {"username": "bnpt.koordinator", "password": "salah"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Nama pengguna atau kata sandi salah."}
    assert "token" not in response.json()


def test_api_without_token_is_401_in_indonesian(client):
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Anda belum masuk atau token tidak valid."


def test_bad_token_is_401(client):
    response = client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
