"""Form plumbing shared by every app: Bootstrap classes on widgets, so templates stay plain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


class StyledFormMixin:
    """Give each widget its Bootstrap class and mark fields with errors as invalid.

    A form that names `field_check_url` (a URL name) is checked field by field while it is filled in: each
    input posts the whole form there with htmx when it changes, and the answer puts the errors (and
    warnings) next to that field and every other filled-in one, in Indonesian, before the final submit.
    """

    fields: dict[str, forms.Field]
    field_check_url: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Warnings do not stop a save (e.g. a district code unknown after a regional split); clean() adds them.
        self.field_warnings: dict[str, list[str]] = {}
        if self.field_check_url:
            self._attach_field_check(reverse(self.field_check_url))
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput) or not isinstance(widget, forms.widgets.Input | forms.Textarea):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def _attach_field_check(self, url: str) -> None:
        files = [n for n, f in self.fields.items() if isinstance(f, forms.FileField)]
        for name, field in self.fields.items():
            if name in files or field.widget.is_hidden:
                continue
            # One check at a time per form, the newest winning: each posts the whole form, so an older answer
            # arriving late would otherwise overwrite a newer one (NIK typed, then the sex picked).
            field.widget.attrs.update(
                {
                    "hx-post": url, "hx-trigger": "change", "hx-include": "closest form", "hx-swap": "none",
                    "hx-sync": "closest form:replace",
                }
            )  # fmt: skip
            if files:  # never upload photos on every keystroke
                field.widget.attrs["hx-params"] = "not " + ",".join(files)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "errors", {}):
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: next to its field where it names one, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def field_check_response(request: HttpRequest, form: forms.Form) -> HttpResponse:
    """The htmx answer to a field check: the feedback of the field that changed and of every filled-in field,
    as out-of-band swaps into their `<id>-feedback` containers (templates/includes/field.html)."""
    changed = request.headers.get("HX-Trigger-Name", "")
    form.is_valid()
    warnings: dict[str, list[str]] = getattr(form, "field_warnings", {})
    rows = [
        {"field": form[name], "errors": form.errors.get(name, []), "warnings": warnings.get(name, [])}
        for name, field in form.fields.items()
        if not isinstance(field, forms.FileField)
        and (name == changed or any(str(v).strip() for v in request.POST.getlist(form.add_prefix(name))))
    ]
    return render(request, "includes/field_feedback.html", {"rows": rows})
