"""The audit trail: who read protected data (AccessEvent) and every change to audited tables (ChangeEvent).

Both tables are append-only and hash-chained, and PostgreSQL enforces it (see migrations/0001_initial.py):
a BEFORE UPDATE OR DELETE trigger rejects any rewrite, and a BEFORE INSERT trigger assigns the id, the
timestamp, `prev_hash` and `hash` under an advisory lock, whatever values the application sent. There
are deliberately no foreign keys: nothing may cascade into an UPDATE or DELETE of an audit row, and the
snapshots (username, office name) must survive renames and deleted accounts.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now


class AccessEvent(models.Model):
    """One read of protected data: a person's file opened, a list or search shown, an export, a reveal."""

    class Action(models.TextChoices):
        VIEW = "view", "lihat"
        LIST = "list", "daftar"
        SEARCH = "search", "cari"
        EXPORT = "export", "ekspor"
        REVEAL = "reveal", "buka data sensitif"
        DOWNLOAD = "download", "unduh"

    created_at = models.DateTimeField("waktu", db_default=Now(), editable=False)
    user_id = models.BigIntegerField("ID pengguna", null=True, blank=True)
    username = models.CharField("nama pengguna", max_length=150)
    office_id = models.BigIntegerField("ID kantor", null=True, blank=True)
    office_name = models.CharField("kantor", max_length=200, blank=True)
    action = models.CharField("tindakan", max_length=10, choices=Action.choices)
    object_type = models.CharField("jenis objek", max_length=100, help_text="app_label.model, mis. cases.person")
    object_id = models.TextField("ID objek", blank=True)
    person_id = models.BigIntegerField("ID orang", null=True, blank=True)
    fields_revealed = ArrayField(models.TextField(), verbose_name="kolom yang dibuka", default=list, blank=True)
    reason = models.TextField("alasan", blank=True)
    ip_address = models.GenericIPAddressField("alamat IP", null=True, blank=True)
    path = models.TextField("alamat halaman", blank=True)
    prev_hash = models.CharField("hash sebelumnya", max_length=64, db_default="", editable=False)
    hash = models.CharField("hash", max_length=64, db_default="", editable=False)

    class Meta:
        verbose_name = "akses data"
        verbose_name_plural = "akses data"
        ordering = ["-id"]
        indexes = [
            # (column, id): the auditor's filters paginate by id, newest first.
            models.Index(fields=["person_id", "id"], name="audit_access_person"),
            models.Index(fields=["user_id", "id"], name="audit_access_user"),
            models.Index(fields=["username", "id"], name="audit_access_username"),
            models.Index(fields=["office_id", "id"], name="audit_access_office"),
            # Rows arrive in time order, so a BRIN index answers date ranges for almost no write cost.
            BrinIndex(fields=["created_at"], name="audit_access_created"),
        ]
        constraints = [
            models.CheckConstraint(
                name="audit_access_reveal_has_reason",
                condition=~models.Q(action="reveal") | ~models.Q(reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.object_type}:{self.object_id}"

    def clean(self) -> None:
        if self.action == self.Action.REVEAL:
            errors = {}
            if not self.reason.strip():
                errors["reason"] = "Alasan wajib diisi untuk membuka data sensitif."
            if not self.fields_revealed:
                errors["fields_revealed"] = "Sebutkan data sensitif yang dibuka."
            if errors:
                raise ValidationError(errors)


class ChangeEvent(models.Model):
    """One row inserted, updated or deleted in an audited table (or the table truncated), written by the
    `audit_record_change` trigger; the application never creates these itself."""

    class Operation(models.TextChoices):
        INSERT = "INSERT", "tambah"
        UPDATE = "UPDATE", "ubah"
        DELETE = "DELETE", "hapus"
        TRUNCATE = "TRUNCATE", "kosongkan tabel"

    created_at = models.DateTimeField("waktu", db_default=Now(), editable=False)
    table_name = models.CharField("tabel", max_length=63)
    operation = models.CharField("operasi", max_length=8, choices=Operation.choices)
    row_pk = models.TextField("kunci baris", null=True, blank=True)
    old = models.JSONField("nilai lama", null=True, blank=True)
    new = models.JSONField("nilai baru", null=True, blank=True)
    user_id = models.BigIntegerField("ID pengguna aplikasi", null=True, blank=True)
    db_user = models.CharField("pengguna basis data", max_length=63)
    transaction_id = models.BigIntegerField("ID transaksi")
    prev_hash = models.CharField("hash sebelumnya", max_length=64, db_default="", editable=False)
    hash = models.CharField("hash", max_length=64, db_default="", editable=False)

    class Meta:
        verbose_name = "perubahan data"
        verbose_name_plural = "perubahan data"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["table_name", "row_pk", "id"], name="audit_change_row"),
            models.Index(fields=["user_id", "id"], name="audit_change_user"),
            BrinIndex(fields=["created_at"], name="audit_change_created"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name}:{self.row_pk}"
