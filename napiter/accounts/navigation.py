"""The main navigation: a few top-level entries, some of them menus, each link shown only to the users the
route registry lets open it, so each role sees exactly the pages it can use and no link answers 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from napiter.accounts.models import User
from napiter.routes import ROUTES


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str

    def link(self, path: str) -> NavLink:
        url = reverse(self.url_name)
        return NavLink(self.label, self.url_name, url, url == path)

    def allowed(self, user: User) -> bool:
        # The admin site is outside the registry and guards itself: it opens to staff only.
        if self.url_name.startswith("admin:"):
            return user.is_active and user.is_staff
        return ROUTES[self.url_name].permits(user)


@dataclass(frozen=True)
class NavGroup:
    """A top-level entry. With more than one link open to the user it is a dropdown menu; with one, that link
    stands on its own, so nobody opens a menu to find a single page."""

    key: str
    label: str | Promise
    items: tuple[NavItem, ...]


@dataclass(frozen=True)
class NavLink:
    """A link as one request shows it: its address reversed once, and whether it is the page being shown."""

    label: str | Promise
    url_name: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    items: list[NavLink]

    @property
    def is_menu(self) -> bool:
        return len(self.items) > 1

    @property
    def link(self) -> NavLink:
        return self.items[0]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


def _single(label: str | Promise, url_name: str) -> NavGroup:
    return NavGroup(url_name.replace(":", "-"), label, (NavItem(label, url_name),))


NAV_GROUPS = (
    _single(_("Beranda"), "home"),
    _single(_("Dasbor"), "dashboards:home"),
    NavGroup(
        "pendampingan",
        _("Pendampingan"),
        (
            NavItem(_("Orang"), "cases:person-list"),
            NavItem(_("Jatuh tempo"), "cases:due-list"),
            NavItem(_("Asesmen"), "assessments:due"),
            NavItem(_("DT-SEN"), "cases:dtsen-import"),
        ),
    ),
    _single(_("Bantuan"), "assistance:grant-list"),
    _single(_("Sinergi"), "sinergi:dashboard"),
    _single(_("Dokumen saya"), "documents:list"),
    NavGroup(
        "pengawasan",
        _("Pengawasan"),
        (NavItem(_("Audit"), "audit:access-list"), NavItem(_("Privasi"), "privacy:request-list")),
    ),
    NavGroup(
        "lainnya",
        _("Lainnya"),
        (NavItem(_("Wilayah"), "regions:browse"), NavItem(_("API"), "api-docs"), NavItem(_("Admin"), "admin:index")),
    ),
)

NAV_ITEMS = tuple(item for group in NAV_GROUPS for item in group.items)


def nav_menu_for(user: User, path: str = "") -> list[NavEntry]:
    """The user's top-level entries, in order, each with the links open to the user; empty groups left out.
    A link to `path` (the page being shown) is marked active."""
    entries = [
        NavEntry(group.key, group.label, [item.link(path) for item in group.items if item.allowed(user)])
        for group in NAV_GROUPS
    ]
    return [entry for entry in entries if entry.items]
