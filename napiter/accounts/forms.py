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


class OTPTokenForm(forms.Form):
    """The six digits an authenticator app shows; spaces (as some apps display them) are ignored."""

    token = forms.CharField(
        label="Kode verifikasi",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].replace(" ", "")
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Masukkan 6 digit angka dari aplikasi autentikator.")
        return token
