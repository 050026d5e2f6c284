from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from napiter.accounts.forms import LoginForm
from napiter.accounts.models import User
from napiter.accounts.roles import ROLES


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    roles = [ROLES[name] for name in user.role_names() if name in ROLES]
    return render(request, "accounts/home.html", {"office": user.office, "roles": roles})
