"""HTML forms of the grant lifecycle; each maps onto one service's arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import MONITORING_MONTHS, Grant, Programme
from assistance.selectors import REACHED_STAGES, GrantFilters
from assistance.services import ItemInput, VisitInput
from napiter.forms import StyledFormMixin
from napiter.uploads import ImageUploadField, clean_drawn_signature

ITEM_ROWS = 6


class GrantProposeForm(StyledFormMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("Program"), queryset=Programme.objects.none())
    amount = forms.IntegerField(label=_("Nilai bantuan (Rp)"), min_value=1)
    business_type = forms.CharField(label=_("Jenis usaha"), max_length=200)
    justification = forms.CharField(label=_("Alasan usulan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    group_name = forms.CharField(label=_("Nama kelompok (KUBE)"), required=False, max_length=200)
    member_ids = forms.CharField(
        label=_("Nomor orang anggota KUBE"), required=False, help_text=_("Dipisah koma, mis. 12, 15, 18.")
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def clean_member_ids(self) -> list[int]:
        raw = self.cleaned_data.get("member_ids") or ""
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Isi nomor orang berupa angka, dipisah koma."))
        return [int(p) for p in parts]


class DecreeForm(StyledFormMixin, forms.Form):
    decree_number = forms.CharField(label=_("Nomor SK penetapan"), max_length=100)
    decree_date = forms.DateField(label=_("Tanggal SK"), widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}))


class DeliveryForm(StyledFormMixin, forms.Form):
    delivered_on = forms.DateField(label=_("Tanggal penyaluran"), widget=forms.DateInput(attrs={"type": "date"}))
    supplier = forms.CharField(label=_("Penyedia barang"), required=False, max_length=200)
    location = forms.CharField(label=_("Lokasi usaha/kios"), required=False, max_length=300)
    kiosk_stock = forms.CharField(
        label=_("Stok awal kios (Popwarung)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = ImageUploadField(label=_("Foto penyerahan"), required=False)
    signature_scan = ImageUploadField(
        label=_("Tanda tangan penerima (pindaian/foto)"), required=False,
        help_text=_("Atau minta penerima menggambar tanda tangan di kotak di bawah."),
    )  # fmt: skip
    signature_drawn = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(ITEM_ROWS):
            required = i == 0
            self.fields[f"item_{i}_name"] = forms.CharField(label=_("Barang"), required=required, max_length=200)
            self.fields[f"item_{i}_quantity"] = forms.IntegerField(label=_("Jumlah"), required=required, min_value=1)
            self.fields[f"item_{i}_unit"] = forms.CharField(label=_("Satuan"), required=False, max_length=30)
            self.fields[f"item_{i}_unit_value"] = forms.IntegerField(
                label=_("Harga satuan (Rp)"), required=required, min_value=0
            )
        # The mixin styled the declared fields only; the item rows are added after it ran.
        for name in self.fields:
            widget = self.fields[name].widget
            if "class" not in widget.attrs:
                widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drawn, scan = data.get("signature_drawn"), data.get("signature_scan")
        data["recipient_signature"] = scan
        if drawn and scan:
            self.add_error("signature_scan", _("Pilih salah satu: unggah pindaian atau gambar tanda tangan."))
        elif drawn:
            try:
                data["recipient_signature"] = clean_drawn_signature(drawn)
            except forms.ValidationError as exc:
                self.add_error("signature_scan", exc)
        return data

    def item_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"item_{i}_{part}"] for part in ("name", "quantity", "unit", "unit_value")] for i in range(ITEM_ROWS)
        ]

    def items(self) -> list[ItemInput]:
        d = self.cleaned_data
        rows = []
        for i in range(ITEM_ROWS):
            name = d.get(f"item_{i}_name")
            if name:
                quantity, value = d.get(f"item_{i}_quantity"), d.get(f"item_{i}_unit_value")
                if quantity is None or value is None:
                    raise forms.ValidationError(_("Isi jumlah dan harga satuan setiap barang."))
                rows.append(ItemInput(name, quantity, value, d.get(f"item_{i}_unit") or "unit"))
        return rows


class MonitoringForm(StyledFormMixin, forms.Form):
    month = forms.TypedChoiceField(
        label=_("Pemantauan"), coerce=int, choices=[(m, f"Bulan ke-{m}") for m in MONITORING_MONTHS]
    )
    visited_on = forms.DateField(label=_("Tanggal kunjungan"), widget=forms.DateInput(attrs={"type": "date"}))
    business_running = forms.BooleanField(label=_("Usaha masih berjalan"), required=False)
    assets_present = forms.BooleanField(label=_("Aset bantuan masih ada"), required=False)
    monthly_revenue = forms.IntegerField(label=_("Omzet per bulan (Rp)"), min_value=0, required=False)
    problems = forms.CharField(label=_("Kendala"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    misuse = forms.BooleanField(label=_("Indikasi penyalahgunaan"), required=False)
    photo = ImageUploadField(label=_("Foto usaha"), required=False)

    def to_input(self) -> VisitInput:
        d = self.cleaned_data
        return VisitInput(
            month=d["month"],
            visited_on=d["visited_on"],
            business_running=d["business_running"],
            assets_present=d["assets_present"],
            monthly_revenue=d.get("monthly_revenue") or 0,
            problems=d.get("problems", ""),
            misuse=d["misuse"],
            photo=d.get("photo"),
        )


class GrantFilterForm(forms.Form):
    programme = forms.IntegerField(label=_("Program"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *Grant.Status.choices])
    region = forms.CharField(label=_("Kode wilayah"), required=False, max_length=20)
    year = forms.IntegerField(label=_("Tahun anggaran"), required=False, min_value=2000, max_value=2100)
    reached = forms.ChoiceField(
        label=_("Tahap tercapai"), required=False, choices=[("", "—"), *[(s, s) for s in REACHED_STAGES]]
    )
    registered_from = forms.DateField(label=_("Diusulkan sejak"), required=False)
    registered_to = forms.DateField(label=_("Diusulkan sampai"), required=False)
    delivered_from = forms.DateField(label=_("Disalurkan sejak"), required=False)
    delivered_to = forms.DateField(label=_("Disalurkan sampai"), required=False)

    def filters(self) -> GrantFilters:
        """The valid filters, after `is_valid()`: a field with a bad value is left out (the list names it)."""
        d = self.cleaned_data
        return GrantFilters(
            programme=d.get("programme"), status=d.get("status") or "", region=(d.get("region") or "").strip(),
            year=d.get("year"), reached=d.get("reached") or "", registered_from=d.get("registered_from"),
            registered_to=d.get("registered_to"), delivered_from=d.get("delivered_from"),
            delivered_to=d.get("delivered_to"),
        )  # fmt: skip
