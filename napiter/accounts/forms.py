from django import forms
from django.contrib.auth.forms import AuthenticationForm

INVALID_LOGIN = "Nama pengguna atau kata sandi salah."


class LoginForm(AuthenticationForm):
    """The same message for an unknown user, a wrong password and an inactive account."""

    error_messages = {"invalid_login": INVALID_LOGIN, "inactive": INVALID_LOGIN}

    username = forms.CharField(
        label="Nama pengguna",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Kata sandi",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
