"""Form widgets render through the Jinja2 form renderer (settings.FORM_RENDERER) for speed; the HTML must
be the same as Django's template engine gives, for every field of every form of the application."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2, get_default_renderer

MODULES = [
    "assessments.forms",
    "assistance.forms",
    "cases.forms",
    "dashboards.forms",
    "napiter.accounts.forms",
    "napiter.documents.forms",
    "privacy.forms",
    "sinergi.forms",
]


def _forms() -> list[type[forms.BaseForm]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name and not inspect.isabstract(cls):
                found.append(cls)
    return found


def _instance(cls: type[forms.BaseForm], data: dict[str, str] | None, renderer: BaseRenderer) -> forms.BaseForm | None:
    try:
        return cls(data=data, renderer=renderer)
    except TypeError:
        return None  # needs arguments of its own (a user, an instance): covered through its pages


def _normalized(html: str) -> str:
    # Whitespace between tags differs between the two copies of the templates; it does not show.
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def test_the_default_form_renderer_is_jinja2():
    assert isinstance(get_default_renderer(), Jinja2)


@pytest.mark.django_db
def test_every_widget_renders_the_same_html_as_django_templates(base_data):
    rendered = 0
    for cls in _forms():
        for data in (None, {}):  # unbound, and bound with every field missing (errors, aria-invalid)
            jinja = _instance(cls, data=data, renderer=Jinja2())
            django = _instance(cls, data=data, renderer=DjangoTemplates())
            if jinja is None or django is None:
                continue
            if data is not None:
                jinja.is_valid(), django.is_valid()
            for name in jinja.fields:
                assert _normalized(str(jinja[name])) == _normalized(str(django[name])), (cls, name)
                assert _normalized(str(jinja[name].errors)) == _normalized(str(django[name].errors)), (cls, name)
                rendered += 1
    assert rendered > 100  # the forms of the application, not an empty loop
