"""Numbered, signed documents: the office register, the document row, and its signatures in order.

A document's lifecycle is a state machine in `services.py`:
queued -> rendering -> awaiting_signature -> signed, or failed (with the error). The worker renders;
each required signer signs by their own action, in order, as an incremental update of the PDF.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class DocumentRegister(models.Model):
    """The numbering register of one office for one number prefix (kind) and year.

    `last_number` is incremented under a row lock in the same transaction that creates the document, so
    a rolled-back request rolls the number back too: the register has no gaps.
    """

    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor", on_delete=models.PROTECT, related_name="document_registers"
    )
    prefix = models.CharField("kode jenis", max_length=10)
    year = models.PositiveSmallIntegerField("tahun")
    last_number = models.PositiveIntegerField("nomor terakhir", default=0)

    class Meta:
        verbose_name = "register nomor dokumen"
        verbose_name_plural = "register nomor dokumen"
        constraints = [
            models.UniqueConstraint(fields=["office", "prefix", "year"], name="document_register_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}/{self.office_id}/{self.year}: {self.last_number}"


class Document(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Dalam antrean"
        RENDERING = "rendering", "Sedang disusun"
        AWAITING_SIGNATURE = "awaiting_signature", "Menunggu tanda tangan"
        SIGNED = "signed", "Ditandatangani"
        FAILED = "failed", "Gagal"

    kind = models.CharField("jenis", max_length=40)
    subject_id = models.PositiveBigIntegerField("ID subjek")
    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor penerbit", on_delete=models.PROTECT, related_name="documents"
    )
    prefix = models.CharField("kode jenis", max_length=10)
    year = models.PositiveSmallIntegerField("tahun")
    sequence = models.PositiveIntegerField("nomor urut")
    number = models.CharField("nomor", max_length=80, unique=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField("galat", blank=True)
    file = models.FileField("berkas", upload_to="documents/", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    rendered_sha256 = models.CharField("SHA-256 sebelum ditandatangani", max_length=64, blank=True)
    page_count = models.PositiveSmallIntegerField("jumlah halaman", null=True, blank=True)
    verification_code = models.CharField("kode verifikasi", max_length=20, unique=True)
    inputs = models.JSONField("isian permintaan", default=dict, blank=True)
    # Who the document names, fixed at request time: every download is logged as a read of each of them.
    person_ids = ArrayField(models.BigIntegerField(), verbose_name="orang yang disebut", default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diminta oleh", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("diminta", default=timezone.now)
    enqueued_at = models.DateTimeField("terakhir dikirim ke antrean", null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField("percobaan penyusunan", default=0)
    # Each render attempt writes its own token; only the attempt whose token is still current may finish,
    # so a document is rendered into its file once even when a presumed-dead worker wakes up.
    render_token = models.CharField("token penyusunan", max_length=32, blank=True)
    render_started_at = models.DateTimeField("penyusunan dimulai", null=True, blank=True)
    rendering_worker = models.CharField("proses penyusun", max_length=200, blank=True)
    # The queue message whose attempt holds the render: only a redelivery of that same message (its worker
    # died) or a render stale past the time limit may take over; a duplicate message leaves it alone.
    render_task_id = models.CharField("ID tugas penyusunan", max_length=64, blank=True)
    rendered_at = models.DateTimeField("selesai disusun", null=True, blank=True)
    signed_at = models.DateTimeField("selesai ditandatangani", null=True, blank=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        verbose_name = "dokumen"
        verbose_name_plural = "dokumen"
        ordering = ["-requested_at", "-id"]
        permissions = [("sign_document", "Dapat menandatangani dokumen")]
        constraints = [
            models.UniqueConstraint(fields=["office", "prefix", "year", "sequence"], name="document_number_unique"),
            models.CheckConstraint(
                name="document_failed_has_error", condition=~models.Q(status="failed") | ~models.Q(error="")
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="document_status"),
            models.Index(fields=["kind", "subject_id"], name="document_subject"),
            models.Index(fields=["requested_by", "requested_at"], name="document_requester"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.SIGNED, self.Status.FAILED)

    @property
    def progress(self) -> int:
        """Percent of the way from request to a fully signed file, for the progress bar."""
        if self.status == self.Status.SIGNED:
            return 100
        if self.status == self.Status.AWAITING_SIGNATURE:
            return 75
        if self.status == self.Status.RENDERING:
            return 50
        return 25


class DocumentSignature(models.Model):
    """One required signature, in order; `signed_at` is set when that signer has signed.

    The signer's name, position and office are copied at request time: they are printed in the signature
    block, and the document must keep saying who signed in which capacity after a transfer or promotion.
    """

    document = models.ForeignKey(Document, verbose_name="dokumen", on_delete=models.CASCADE, related_name="signatures")
    order = models.PositiveSmallIntegerField("urutan")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="penanda tangan", on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField("nama", max_length=200)
    signer_nip = models.CharField("NIP", max_length=18, blank=True)
    signer_position = models.CharField("jabatan", max_length=200, blank=True)
    signer_office = models.CharField("kantor", max_length=200)
    field_name = models.CharField("nama kolom tanda tangan", max_length=20)
    signed_at = models.DateTimeField("ditandatangani", null=True, blank=True)
    certificate_subject = models.CharField("subjek sertifikat", max_length=300, blank=True)
    certificate_issuer = models.CharField("penerbit sertifikat", max_length=300, blank=True)
    certificate_serial = models.CharField("nomor seri sertifikat", max_length=80, blank=True)
    sha256_after = models.CharField("SHA-256 setelah ditandatangani", max_length=64, blank=True)
    # A signature asked for in a batch is made by a worker: when the signer asked (and when it was last sent
    # to the queue), and why the worker could not make it. The change log keeps who asked, and when.
    sign_queued_at = models.DateTimeField("dikirim ke antrean tanda tangan", null=True, blank=True)
    sign_error = models.TextField("galat tanda tangan", blank=True)

    class Meta:
        verbose_name = "tanda tangan dokumen"
        verbose_name_plural = "tanda tangan dokumen"
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="document_signature_order"),
            models.UniqueConstraint(fields=["document", "signer"], name="document_signature_signer"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} #{self.order} {self.signer_name}"
