"""The region picker as a form widget and field: province -> kab/kota -> kecamatan -> desa/kelurahan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer, TemplatesSetting
from django.forms.utils import flatatt
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from napiter.regions.codes import is_region_code
from napiter.regions.models import Region
from napiter.regions.selectors import regions_picker_options

# (level, suffix of the select's id and name, label); the ids `<name>-province` .. `<name>-village` are
# what page scripts and browser tests hold on to, so they must not change.
PICKER_LEVELS: tuple[tuple[int, str, Any], ...] = (
    (Region.Level.PROVINCE, "province", _("Provinsi")),
    (Region.Level.REGENCY, "regency", _("Kabupaten/Kota")),
    (Region.Level.DISTRICT, "district", _("Kecamatan")),
    (Region.Level.VILLAGE, "village", _("Desa/Kelurahan")),
)

CHOOSE_LEVEL: dict[int, Any] = {
    Region.Level.PROVINCE: _("Pilih provinsi."),
    Region.Level.REGENCY: _("Pilih kabupaten/kota."),
    Region.Level.DISTRICT: _("Pilih kecamatan."),
    Region.Level.VILLAGE: _("Pilih desa/kelurahan."),
}

# Django's default form renderer only searches its own and the apps' template folders; the picker
# template lives in the project's templates/, which the project's template engine does search.
_PROJECT_RENDERER = TemplatesSetting()


class RegionPickerWidget(forms.Widget):
    """Cascading selects down to `level`, plus a hidden input `name` holding the deepest code chosen.

    The lower lists are fetched from `regions:options` by static/js/region-picker.js. When rendered with
    a value, every level down to it is filled and selected, so an edit form opens showing the record's
    region. A select stays disabled until its parent is chosen.
    """

    template_name = "regions/_picker.html"
    use_fieldset = True

    def __init__(self, *, level: int = Region.Level.VILLAGE, attrs: dict[str, Any] | None = None) -> None:
        if level not in CHOOSE_LEVEL:
            raise ValueError(f"level must be 1..4, not {level!r}")
        super().__init__(attrs)
        self.level = level

    def format_value(self, value: Any) -> str:
        if isinstance(value, Region):
            return value.code
        text = "" if value is None else str(value)
        # A malformed code (tampered POST) is shown as nothing chosen rather than echoed back.
        return text if is_region_code(text) else ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        select_attrs = {k: v for k, v in widget["attrs"].items() if k != "id"}
        # Bootstrap draws the red border from the class; Django only sets aria-invalid on a field with errors.
        invalid = "is-invalid" if select_attrs.get("aria-invalid") == "true" else ""
        css_class = " ".join(filter(None, ["form-select", select_attrs.pop("class", ""), invalid]))
        field_disabled = bool(select_attrs.pop("disabled", False))

        options = regions_picker_options(widget["value"], depth=self.level)
        levels = []
        parent = ""  # the code chosen one level up; "" above the provinces
        deepest = ""
        parts = widget["value"].split(".") if widget["value"] else []
        for number, suffix, label in PICKER_LEVELS[: self.level]:
            reachable = number == Region.Level.PROVINCE or bool(parent)
            choices = options.get(parent, []) if reachable else []
            wanted = ".".join(parts[:number]) if len(parts) >= number else ""
            selected = wanted if any(r.code == wanted for r in choices) else ""
            levels.append(
                {
                    "label": label,
                    "id": f"{name}-{suffix}",
                    "choices": choices,
                    "selected": selected,
                    "attrs": flatatt(
                        {
                            **select_attrs,
                            "class": css_class,
                            "id": f"{name}-{suffix}",
                            "name": f"{name}_{suffix}",
                            "data-level": str(number),
                            "autocomplete": "off",
                            "disabled": field_disabled or not reachable,
                        }
                    ),
                }
            )
            parent = selected
            deepest = selected or deepest
        widget["levels"] = levels
        # The hidden value is what is actually shown: a code that matched no level is dropped.
        widget["value"] = deepest
        widget["column_class"] = "col-12" if self.level == 1 else f"col-12 col-sm-6 col-lg-{12 // self.level}"
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        html = _PROJECT_RENDERER.render(self.template_name, self.get_context(name, value, attrs))
        # Autoescaped by the template engine; only the str type was lost on the way (as in Widget._render).
        return mark_safe(html)  # noqa: S308

    def value_from_datadict(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> str | None:
        """The deepest level chosen in the selects; else the hidden input (scripts and API-like posts).

        The selects are what the person sees, so they win over the hidden input, which a page whose
        script failed to load would leave stale. The chain stops at the first level that does not
        continue the one above it: without the script a changed province keeps its old, now foreign,
        kab/kota and below.
        """
        if not any(f"{name}_{suffix}" in data for _number, suffix, _label in PICKER_LEVELS[: self.level]):
            return data.get(name)
        chosen = ""
        for _number, suffix, _label in PICKER_LEVELS[: self.level]:
            code = data.get(f"{name}_{suffix}") or ""
            if not code or (chosen and not code.startswith(f"{chosen}.")):
                break
            chosen = code
        return chosen

    def value_omitted_from_data(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> bool:
        keys = [name, *(f"{name}_{suffix}" for _number, suffix, _label in PICKER_LEVELS[: self.level])]
        return not any(key in data for key in keys)


class RegionField(forms.ModelChoiceField):
    """A region of exactly `level` (4 = desa/kelurahan), chosen with the picker; cleans to a Region.

    Usable for a ForeignKey to Region in a ModelForm (`field_classes = {"domicile": RegionField}`):
    it accepts the queryset and other arguments ForeignKey.formfield() passes.
    """

    widget = RegionPickerWidget

    def __init__(self, *, level: int = Region.Level.VILLAGE, queryset: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", RegionPickerWidget(level=level))
        kwargs["error_messages"] = {
            "required": CHOOSE_LEVEL[level],
            "wrong_level": CHOOSE_LEVEL[level],
            "invalid_choice": _("Kode wilayah tidak dikenal; pilih lagi dari daftar."),
            **(kwargs.get("error_messages") or {}),
        }
        super().__init__(queryset=Region.objects.all() if queryset is None else queryset, **kwargs)
        self.level = level

    def validate(self, value: Region | None) -> None:
        super().validate(value)
        if value is not None and value.level != self.level:
            raise ValidationError(self.error_messages["wrong_level"], code="wrong_level")


class RegionLookupForm(forms.Form):
    """The browse page: the picker on its own, to look a region and its code up."""

    region = RegionField(level=Region.Level.VILLAGE, required=False, label=_("Wilayah"))
