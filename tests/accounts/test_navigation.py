"""The main menu offers each role exactly the pages the route registry lets it open, grouped into a few
top-level entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from napiter.accounts.models import User
from napiter.accounts.navigation import NAV_ITEMS
from napiter.routes import ROUTES
from tests.accounts.factories import user_of_every_role

pytestmark = pytest.mark.django_db


@dataclass
class Entry:
    label: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, href)
    is_menu: bool = False


class _MainMenu(HTMLParser):
    """The top-level entries of `<ul data-testid="main-menu">`, each with its links, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Entry] = []
        self._depth = 0  # open <ul> elements inside the menu
        self._text: list[str] | None = None
        self._kind = ""
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if tag == "ul" and (self._depth or attr.get("data-testid") == "main-menu"):
            self._depth += 1
        if not self._depth:
            return
        if tag == "button" and "dropdown-toggle" in classes:
            self._kind, self._text = "menu", []
        elif tag == "a" and ("nav-link" in classes or "dropdown-item" in classes):
            self._kind, self._text, self._href = ("link" if "nav-link" in classes else "item"), [], attr["href"] or ""

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self._depth:
            self._depth -= 1
        if self._text is None or tag not in ("a", "button"):
            return
        text = "".join(self._text).strip()
        if self._kind == "menu":
            self.entries.append(Entry(text, is_menu=True))
        elif self._kind == "link":
            self.entries.append(Entry(text, [(text, self._href)]))
        else:
            self.entries[-1].links.append((text, self._href))
        self._text = None


def _menu(client) -> list[Entry]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    parser = _MainMenu()
    parser.feed(response.content.decode())
    return parser.entries


def _may_open(user: User, url_name: str) -> bool:
    if url_name.startswith("admin:"):
        return user.is_staff
    return ROUTES[url_name].permits(user)


def test_every_menu_link_names_a_registered_route_or_the_admin_site():
    names = [item.url_name for item in NAV_ITEMS]
    assert len(names) == len(set(names))
    assert [n for n in names if n not in ROUTES and not n.startswith("admin:")] == []


def test_each_role_sees_exactly_the_menu_links_it_may_open(base_data, client_for):
    for user in user_of_every_role():
        client = client_for(user)
        shown = {href for entry in _menu(client) for _label, href in entry.links}
        permitted = {reverse(item.url_name) for item in NAV_ITEMS if _may_open(user, item.url_name)}
        assert shown == permitted, user.username
        # And the server agrees, page by page: what is offered opens, what is withheld does not.
        for item in NAV_ITEMS:
            url = reverse(item.url_name)
            status = client.get(url).status_code
            assert (status == 200) == (url in shown), (user.username, url, status)


def test_menus_group_the_links_and_a_lone_link_stands_on_its_own(base_data, client_for):
    expected = {
        "dinsos.banten.pendamping": [
            "Beranda", "Dasbor", ("Pendampingan", ["Orang", "Jatuh tempo", "Asesmen"]), "Bantuan", "Dokumen saya",
            ("Lainnya", ["Wilayah", "API"]),
        ],
        "dinsos.banten.kabid": [
            "Beranda", "Dasbor", ("Pendampingan", ["Orang", "Jatuh tempo", "Asesmen", "DT-SEN"]), "Bantuan",
            "Dokumen saya", "Privasi", ("Lainnya", ["Wilayah", "API"]),
        ],
        "bnpt.koordinator": [
            "Beranda", "Dasbor", ("Pendampingan", ["Orang", "Asesmen", "DT-SEN"]), "Bantuan", "Sinergi", "Dokumen saya",
            ("Lainnya", ["Wilayah", "API"]),
        ],
        "kl.kemenag.perencana": ["Beranda", "Dasbor", "Sinergi", "Dokumen saya", ("Lainnya", ["Wilayah", "API"])],
        # The DPO reaches people through data subject requests, not the people list (which answers her 404).
        "bnpt.dpo": ["Beranda", "Dasbor", "Dokumen saya", "Privasi", ("Lainnya", ["Wilayah", "API"])],
        "auditor": ["Beranda", "Dasbor", "Audit", "API"],
        "admin.napiter": ["Beranda", "Dasbor", "Audit", ("Lainnya", ["Wilayah", "API", "Admin"])],
    }  # fmt: skip
    users = {u.username: u for u in user_of_every_role()}
    for username, menu in expected.items():
        got = [
            (e.label, [label for label, _href in e.links]) if e.is_menu else e.label
            for e in _menu(client_for(users[username]))
        ]
        assert got == menu, username


def test_the_open_page_is_marked_current_in_its_menu(cast, client_for):
    html = client_for(cast.banten_pendamping).get(reverse("cases:due-list")).content.decode()
    url = reverse("cases:due-list")
    assert f'<a class="dropdown-item active" href="{url}" aria-current="page">Jatuh tempo</a>' in html
    assert 'class="nav-link dropdown-toggle active" type="button" id="nav-pendampingan"' in html
