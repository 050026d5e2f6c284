"""Programmes of aid and the grants given under them, from proposal to monitoring (DOMAIN.md "Assistance").

Amounts are whole rupiah: government documents carry no sen. A grant belongs to one person (for a KUBE
group grant, the group's chair; the other members are `GrantMember` rows), so it follows that person's
scope through the access layer.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from cases.models import Person

MONITORING_MONTHS = (3, 6, 12)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), or the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


class Programme(models.Model):
    """A budget line of one agency's office for one fiscal year, with who may receive it and how much."""

    class Form(models.TextChoices):
        UEP = "uep", "UEP (Usaha Ekonomi Produktif) perorangan"
        KUBE = "kube", "KUBE (Kelompok Usaha Bersama)"
        POPWARUNG = "popwarung", "Popwarung (kios)"
        TRAINING = "pelatihan", "Pelatihan vokasional"
        CASH = "tunai", "Bantuan tunai"

    class FundingSource(models.TextChoices):
        APBN = "apbn", "APBN"
        APBD_PROVINCE = "apbd_prov", "APBD provinsi"
        APBD_REGENCY = "apbd_kab", "APBD kabupaten/kota"
        OTHER = "lain", "Sumber lain"

    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor pemilik", on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField("nama program", max_length=200)
    form = models.CharField("bentuk bantuan", max_length=12, choices=Form.choices)
    funding_source = models.CharField("sumber dana", max_length=12, choices=FundingSource.choices)
    fiscal_year = models.PositiveSmallIntegerField("tahun anggaran")
    budget_ceiling = models.PositiveBigIntegerField("pagu anggaran (Rp)")
    unit_value_min = models.PositiveBigIntegerField("nilai per penerima paling rendah (Rp)")
    unit_value_max = models.PositiveBigIntegerField("nilai per penerima paling tinggi (Rp)")
    eligible_categories = ArrayField(
        models.CharField(max_length=24, choices=Person.Category.choices),
        verbose_name="kategori penerima",
        default=list,
        blank=True,
        help_text="Kosong: semua kategori.",
    )
    max_decile = models.PositiveSmallIntegerField(
        "desil DT-SEN paling tinggi", null=True, blank=True, help_text="Kosong: tidak memeriksa desil."
    )
    requires_dtsen = models.BooleanField("wajib terdaftar di DT-SEN", default=True)
    blocking_flags = models.BooleanField("tanda DT-SEN menghalangi bantuan", default=True)
    requires_assessment = models.BooleanField(
        "wajib asesmen yang merekomendasikan bantuan",
        default=False,
        help_text="Asesmen terakhir (paling lama 12 bulan) harus menyatakan layak bantuan.",
    )
    is_demo = models.BooleanField("data demo", default=False, editable=False)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        verbose_name = "program bantuan"
        verbose_name_plural = "program bantuan"
        ordering = ["-fiscal_year", "name", "id"]
        constraints = [
            models.CheckConstraint(
                name="programme_unit_range", condition=models.Q(unit_value_min__lte=models.F("unit_value_max"))
            ),
            models.CheckConstraint(
                name="programme_decile_1_10",
                condition=models.Q(max_decile__isnull=True) | models.Q(max_decile__gte=1, max_decile__lte=10),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.fiscal_year})"


class GrantQuerySet(models.QuerySet["Grant"]):
    def committed(self) -> GrantQuerySet:
        """Grants that hold money: approved and later, not refused or cancelled."""
        return self.filter(status__in=Grant.COMMITTED_STATUSES)


class Grant(models.Model):
    """One award under a programme, through its explicit states (services.py holds the transitions)."""

    class Status(models.TextChoices):
        PROPOSED = "usulan", "Usulan"
        VERIFIED = "verifikasi", "Terverifikasi"
        APPROVED = "ditetapkan", "Ditetapkan"
        DELIVERED = "disalurkan", "Disalurkan"
        MONITORING = "dipantau", "Dipantau"
        COMPLETED = "selesai", "Selesai"
        REJECTED = "ditolak", "Ditolak"
        CANCELLED = "dibatalkan", "Dibatalkan"

    COMMITTED_STATUSES = ("ditetapkan", "disalurkan", "dipantau", "selesai")
    DELIVERED_STATUSES = ("disalurkan", "dipantau", "selesai")
    OPEN_STATUSES = ("usulan", "verifikasi", "ditetapkan", "disalurkan", "dipantau")

    programme = models.ForeignKey(Programme, verbose_name="program", on_delete=models.PROTECT, related_name="grants")
    person = models.ForeignKey(
        Person, verbose_name="penerima (ketua kelompok untuk KUBE)", on_delete=models.PROTECT, related_name="grants"
    )
    group_name = models.CharField("nama kelompok KUBE", max_length=200, blank=True)
    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor pengusul", on_delete=models.PROTECT, related_name="grants"
    )
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.PROPOSED)
    amount = models.PositiveBigIntegerField("nilai bantuan (Rp)")
    business_type = models.CharField("jenis usaha", max_length=200)
    justification = models.TextField("alasan usulan", blank=True)
    checks = models.JSONField("hasil verifikasi", default=list, blank=True)
    checks_passed = models.BooleanField("verifikasi lolos", default=False)
    decree_number = models.CharField("nomor SK penetapan", max_length=100, blank=True)
    decree_date = models.DateField("tanggal SK penetapan", null=True, blank=True)
    delivered_on = models.DateField("tanggal penyaluran", null=True, blank=True)
    supplier = models.CharField("penyedia barang", max_length=200, blank=True)
    location = models.CharField("lokasi usaha", max_length=300, blank=True)
    kiosk_stock = models.TextField("stok awal kios (Popwarung)", blank=True)
    delivery_photo = models.FileField("foto penyaluran", upload_to="bantuan/foto/%Y/", blank=True)
    recipient_signature = models.FileField(
        "tanda tangan penerima (pindaian atau gambar)", upload_to="bantuan/ttd/%Y/", blank=True
    )
    reason = models.TextField("alasan penolakan/pembatalan", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diusulkan oleh", on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ditetapkan oleh", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("diusulkan", default=timezone.now)
    updated_at = models.DateTimeField("diubah", auto_now=True)
    is_demo = models.BooleanField("data demo", default=False, editable=False)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = "bantuan"
        verbose_name_plural = "bantuan"
        ordering = ["-created_at", "-id"]
        permissions = [("approve_grant", "Dapat menetapkan, menolak dan membatalkan bantuan")]
        constraints = [
            models.CheckConstraint(
                name="grant_approved_has_decree",
                condition=~models.Q(status__in=["ditetapkan", "disalurkan", "dipantau", "selesai"])
                | (~models.Q(decree_number="") & models.Q(decree_date__isnull=False)),
            ),
            models.CheckConstraint(
                name="grant_delivered_has_date",
                condition=~models.Q(status__in=["disalurkan", "dipantau", "selesai"])
                | models.Q(delivered_on__isnull=False),
            ),
            models.CheckConstraint(
                name="grant_refusal_has_reason",
                condition=~models.Q(status__in=["ditolak", "dibatalkan"]) | ~models.Q(reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"], name="grant_programme_status"),
            # The grant list's date filters and the dashboard's grants registered and delivered in a period.
            models.Index(fields=["created_at"], name="grant_created_at"),
            models.Index(fields=["delivered_on"], name="grant_delivered_on"),
        ]

    def __str__(self) -> str:
        return f"Bantuan #{self.pk} ({self.get_status_display()})"

    @property
    def recipient_label(self) -> str:
        return f"{self.group_name} (ketua: {self.person.full_name})" if self.group_name else self.person.full_name


class GrantMember(models.Model):
    """A member of a KUBE group besides its chair (the grant's person)."""

    grant = models.ForeignKey(Grant, verbose_name="bantuan", on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name="anggota", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "anggota KUBE"
        verbose_name_plural = "anggota KUBE"
        constraints = [models.UniqueConstraint(fields=["grant", "person"], name="grant_member_once")]

    def __str__(self) -> str:
        return self.person.full_name


class GrantItem(models.Model):
    """Goods handed over on delivery, as listed on the BAST."""

    grant = models.ForeignKey(Grant, verbose_name="bantuan", on_delete=models.CASCADE, related_name="items")
    name = models.CharField("nama barang", max_length=200)
    quantity = models.PositiveIntegerField("jumlah")
    unit = models.CharField("satuan", max_length=30, default="unit")
    unit_value = models.PositiveBigIntegerField("harga satuan (Rp)")

    class Meta:
        verbose_name = "barang bantuan"
        verbose_name_plural = "barang bantuan"
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="grant_item_quantity_positive", condition=models.Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.name}"

    @property
    def total(self) -> int:
        return self.quantity * self.unit_value


class GrantEvent(models.Model):
    """The grant's history: each transition, by whom, when and why."""

    grant = models.ForeignKey(Grant, verbose_name="bantuan", on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("dari status", max_length=12, choices=Grant.Status.choices, blank=True)
    to_status = models.CharField("ke status", max_length=12, choices=Grant.Status.choices)
    at = models.DateTimeField("waktu", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "riwayat bantuan"
        verbose_name_plural = "riwayat bantuan"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class MonitoringVisit(models.Model):
    """A monitoring visit 3, 6 or 12 months after delivery: is the business running, is the aid still there."""

    grant = models.ForeignKey(Grant, verbose_name="bantuan", on_delete=models.PROTECT, related_name="monitoring_visits")
    month = models.PositiveSmallIntegerField("bulan ke-", choices=[(m, f"Bulan ke-{m}") for m in MONITORING_MONTHS])
    visited_on = models.DateField("tanggal kunjungan")
    business_running = models.BooleanField("usaha masih berjalan")
    monthly_revenue = models.PositiveBigIntegerField("omzet per bulan (Rp)", default=0)
    assets_present = models.BooleanField("aset bantuan masih ada")
    problems = models.TextField("kendala", blank=True)
    misuse = models.BooleanField("indikasi penyalahgunaan", default=False)
    photo = models.FileField("foto usaha", upload_to="bantuan/pantau/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="petugas", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("dicatat", default=timezone.now)
    alert = models.BooleanField("peringatan untuk supervisor", default=False)
    alert_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ditindaklanjuti oleh", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    alert_acknowledged_at = models.DateTimeField("ditindaklanjuti", null=True, blank=True)

    class Meta:
        verbose_name = "kunjungan pemantauan bantuan"
        verbose_name_plural = "kunjungan pemantauan bantuan"
        ordering = ["month", "id"]
        constraints = [models.UniqueConstraint(fields=["grant", "month"], name="monitoring_once_per_month")]

    def __str__(self) -> str:
        return f"Pemantauan bulan ke-{self.month}"
