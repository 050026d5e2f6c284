"""The main navigation: each entry names what a user needs to see it, so each role sees only its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from napiter.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    allowed: Callable[[User], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _any(user: User) -> bool:
    return True


def _perm(permission: str) -> Callable[[User], bool]:
    def check(user: User) -> bool:
        return user.has_perm(permission)

    return check


def _staff(user: User) -> bool:
    return user.is_staff


NAV_ITEMS = [
    NavItem(_("Beranda"), "home", _any),
    NavItem(_("Dasbor"), "dashboards:home", _any),
    NavItem(_("Orang"), "cases:person-list", _perm("cases.view_person")),
    NavItem(_("Jatuh tempo"), "cases:due-list", _perm("cases.add_visit")),
    NavItem(_("Bantuan"), "assistance:grant-list", _perm("assistance.view_grant")),
    NavItem(_("Asesmen"), "assessments:due", _perm("assessments.view_assessment")),
    NavItem(_("DT-SEN"), "cases:dtsen-import", _perm("cases.add_dtsensnapshot")),
    NavItem(_("Sinergi"), "sinergi:dashboard", _perm("sinergi.view_actionplan")),
    NavItem(_("Wilayah"), "regions:browse", _perm("regions.view_region")),
    NavItem(_("Dokumen saya"), "documents:list", _perm("documents.view_document")),
    NavItem(_("Audit"), "audit:access-list", _perm("audit.view_accessevent")),
    NavItem(_("Privasi"), "privacy:request-list", _perm("privacy.view_subjectrequest")),
    NavItem(_("API"), "api-docs", _any),
    NavItem(_("Admin"), "admin:index", _staff),
]


def nav_for(user: User) -> list[NavItem]:
    return [item for item in NAV_ITEMS if item.allowed(user)]
