"""Privacy duties under UU 27/2022 (Pelindungan Data Pribadi).

The record of processing (data categories with purpose, legal basis, retention and recipients), data
subject requests with their legal deadlines, legal holds that stop retention, the record of what the
retention job anonymised, and the register of personal data breaches.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

# UU 27/2022 gives the controller 3x24 hours to answer access (Pasal 32), correction (Pasal 30) and erasure
# requests (Pasal 43), and to notify a breach (Pasal 46).
LEGAL_DEADLINE = dt.timedelta(hours=72)


class DataCategory(models.Model):
    """One row of the record of processing (ROPA), edited by the data protection officer.

    `retention_years` counts from the closure of the person's last case; blank keeps the data while any
    case is open and for as long as the law requires nothing else.
    """

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("kategori data", max_length=120)
    data_items = models.TextField("jenis data")
    is_specific = models.BooleanField(
        "data pribadi spesifik", default=False, help_text="Pasal 4 ayat (2) UU 27/2022, mis. catatan kejahatan, anak."
    )
    purpose = models.TextField("tujuan pemrosesan")
    legal_basis = models.TextField("dasar hukum pemrosesan")
    retention_years = models.PositiveSmallIntegerField(
        "masa retensi (tahun setelah kasus ditutup)", null=True, blank=True
    )
    retention_action = models.TextField("tindakan setelah masa retensi")
    recipients = models.TextField("penerima data")
    order = models.PositiveSmallIntegerField("urutan", default=0)
    updated_at = models.DateTimeField("diubah", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diubah oleh", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "kategori data (catatan pemrosesan)"
        verbose_name_plural = "kategori data (catatan pemrosesan)"
        ordering = ["order", "id"]
        permissions = [("run_retention", "Dapat menjalankan anonimisasi data yang masa retensinya habis")]

    def __str__(self) -> str:
        return self.name


class SubjectRequest(models.Model):
    """A request by a data subject (or their guardian) to access, correct or erase their data."""

    class Kind(models.TextChoices):
        ACCESS = "akses", "Akses data"
        CORRECTION = "perbaikan", "Perbaikan data"
        ERASURE = "penghapusan", "Penghapusan data"

    class Status(models.TextChoices):
        OPEN = "terbuka", "Terbuka"
        DONE = "selesai", "Selesai"
        REFUSED = "ditolak", "Ditolak"

    class ExportStatus(models.TextChoices):
        NONE = "", "Belum diminta"
        QUEUED = "antre", "Dalam antrean"
        READY = "siap", "Siap"
        FAILED = "gagal", "Gagal"

    person = models.ForeignKey(
        "cases.Person", verbose_name="subjek data", on_delete=models.PROTECT, related_name="subject_requests"
    )
    kind = models.CharField("jenis permintaan", max_length=12, choices=Kind.choices)
    requester_name = models.CharField(
        "diajukan oleh", max_length=200, help_text="Subjek data sendiri, atau wali untuk anak."
    )
    details = models.TextField("isi permintaan", blank=True)
    received_at = models.DateTimeField("diterima", default=timezone.now)
    due_at = models.DateTimeField("batas waktu")
    status = models.CharField("status", max_length=8, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField("penyelesaian atau alasan penolakan", blank=True)
    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor penanggung jawab", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ditutup oleh", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    export_status = models.CharField(
        "status ekspor", max_length=6, choices=ExportStatus.choices, default=ExportStatus.NONE, blank=True
    )
    export_error = models.TextField("galat ekspor", blank=True)
    export_data = models.JSONField("ekspor data", null=True, blank=True, editable=False)
    exported_at = models.DateTimeField("diekspor", null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diekspor oleh", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "permintaan subjek data"
        verbose_name_plural = "permintaan subjek data"
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="subject_request_closure_has_reason",
                condition=models.Q(status="terbuka") | (~models.Q(resolution="") & models.Q(closed_at__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="subject_request_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        deadline_met_at = self.closed_at or timezone.now()
        return deadline_met_at > self.due_at


class LegalHold(models.Model):
    """A person's data must be kept (an investigation, a court case, an audit): retention stops while active."""

    person = models.ForeignKey("cases.Person", verbose_name="orang", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("alasan penahanan")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ditetapkan oleh", on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField("ditetapkan", default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicabut oleh", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    lifted_at = models.DateTimeField("dicabut", null=True, blank=True)
    lift_reason = models.TextField("alasan pencabutan", blank=True)

    class Meta:
        verbose_name = "penahanan data (legal hold)"
        verbose_name_plural = "penahanan data (legal hold)"
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(lifted_at__isnull=True), name="legal_hold_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"Penahanan data #{self.pk}"


class Anonymisation(models.Model):
    """One data category of one person anonymised by the retention job, and when."""

    person = models.ForeignKey("cases.Person", verbose_name="orang", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(DataCategory, verbose_name="kategori data", on_delete=models.PROTECT, related_name="+")
    anonymised_at = models.DateTimeField("dianonimkan", default=timezone.now)
    retention_ended_on = models.DateField("masa retensi berakhir")

    class Meta:
        verbose_name = "anonimisasi"
        verbose_name_plural = "anonimisasi"
        ordering = ["-anonymised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["person", "category"], name="anonymisation_once")]

    def __str__(self) -> str:
        return f"{self.category} · orang #{self.person_id}"


class BreachIncident(models.Model):
    """A failure of personal data protection (Pasal 46 UU 27/2022): the subjects and the authority must be
    told in writing within 3x24 hours of its discovery."""

    title = models.CharField("judul insiden", max_length=200)
    data_description = models.TextField("data yang terdampak")
    categories = models.ManyToManyField(DataCategory, verbose_name="kategori data", related_name="+", blank=True)
    occurred_at = models.DateTimeField("waktu kejadian (perkiraan)", null=True, blank=True)
    discovered_at = models.DateTimeField("waktu diketahui")
    how_discovered = models.TextField("cara diketahui")
    affected_description = models.TextField("subjek data terdampak")
    affected_count = models.PositiveIntegerField("jumlah subjek data terdampak")
    actions_taken = models.TextField("tindakan penanganan dan pemulihan")
    notification_due_at = models.DateTimeField("batas pemberitahuan")
    notified_at = models.DateTimeField("pemberitahuan dikirim", null=True, blank=True)
    notified_to = models.TextField("pemberitahuan dikirim kepada", blank=True)
    office = models.ForeignKey("accounts.Office", verbose_name="kantor", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("dicatat", default=timezone.now)

    class Meta:
        verbose_name = "kegagalan pelindungan data"
        verbose_name_plural = "kegagalan pelindungan data"
        ordering = ["-discovered_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (self.notified_at or timezone.now()) > self.notification_due_at
