"""Periodic reports: one draft per office and period, which the office supervisor completes and signs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dashboards.periods import MONTHLY, QUARTERLY, YEARLY, Period


class PeriodicReport(models.Model):
    """The laporan periodik of one office for one month, quarter or year.

    Created as a draft (on schedule or on demand); the supervisor writes the narrative, then asks for the
    signed document, which freezes the report: the PDF carries the measures as they stood at that moment.
    """

    class Kind(models.TextChoices):
        MONTHLY = MONTHLY, "Bulanan"
        QUARTERLY = QUARTERLY, "Triwulanan"
        YEARLY = YEARLY, "Tahunan"

    class Status(models.TextChoices):
        DRAFT = "draf", "Draf"
        REQUESTED = "diajukan", "Diajukan untuk ditandatangani"

    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor", on_delete=models.PROTECT, related_name="periodic_reports"
    )
    kind = models.CharField("jenis periode", max_length=12, choices=Kind.choices)
    period_start = models.DateField("awal periode")
    period_end = models.DateField("akhir periode")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField("ringkasan pelaksanaan", blank=True)
    obstacles = models.TextField("kendala", blank=True)
    follow_up = models.TextField("rencana tindak lanjut", blank=True)
    document = models.OneToOneField(
        "documents.Document", verbose_name="dokumen", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", default=timezone.now)
    updated_at = models.DateTimeField("diubah", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diubah oleh", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "laporan periodik"
        verbose_name_plural = "laporan periodik"
        ordering = ["-period_start", "office__name", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "kind", "period_start"], name="periodic_report_once"),
            models.CheckConstraint(
                name="periodic_report_period_order", condition=models.Q(period_end__gte=models.F("period_start"))
            ),
            models.CheckConstraint(
                name="periodic_report_requested_has_document",
                condition=models.Q(status="draf") | models.Q(document__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Laporan {self.get_kind_display().lower()} {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT
