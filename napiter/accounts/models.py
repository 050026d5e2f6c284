from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.core.exceptions import ValidationError
from django.db import models

from napiter.regions.models import Region


class Agency(models.Model):
    """A government body: BNPT, Kemensos, a Dinas Sosial, a ministry (K/L) or another institution."""

    class Kind(models.TextChoices):
        BNPT = "bnpt", "BNPT"
        KEMENSOS = "kemensos", "Kemensos"
        DINSOS_PROVINCE = "dinsos_prov", "Dinas Sosial provinsi"
        DINSOS_REGENCY = "dinsos_kab", "Dinas Sosial kabupaten/kota"
        MINISTRY = "kl", "Kementerian/Lembaga"
        OTHER = "lain", "Lainnya"

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("nama", max_length=200)
    kind = models.CharField("jenis", max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = "instansi"
        verbose_name_plural = "instansi"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """An agency unit with a jurisdiction: the whole country, one province, or one regency."""

    class Jurisdiction(models.TextChoices):
        NATIONAL = "national", "Nasional"
        PROVINCE = "province", "Provinsi"
        REGENCY = "regency", "Kabupaten/Kota"

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", "WIB"
        WITA = "Asia/Makassar", "WITA"
        WIT = "Asia/Jayapura", "WIT"

    agency = models.ForeignKey(Agency, verbose_name="instansi", on_delete=models.PROTECT, related_name="offices")
    name = models.CharField("nama", max_length=200)
    code = models.CharField(
        "kode register",
        max_length=30,
        unique=True,
        help_text="Kode pada nomor surat, mis. DINSOS-BTN pada BA-012/DINSOS-BTN/XI/2026.",
    )
    jurisdiction = models.CharField("yurisdiksi", max_length=10, choices=Jurisdiction.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="wilayah yurisdiksi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    timezone = models.CharField("zona waktu", max_length=20, choices=TimeZone.choices, default=TimeZone.WIB)
    address = models.TextField("alamat", blank=True)
    # Every member of the office is in this group; records shared with the office (referrals, transfers)
    # are django-guardian group object permissions on it.
    group = models.OneToOneField(Group, verbose_name="grup kantor", on_delete=models.PROTECT, related_name="office")

    class Meta:
        verbose_name = "kantor"
        verbose_name_plural = "kantor"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="office_region_matches_jurisdiction",
                condition=(
                    models.Q(jurisdiction="national", region__isnull=True)
                    | models.Q(jurisdiction__in=["province", "regency"], region__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected = (
            {
                self.Jurisdiction.PROVINCE: Region.Level.PROVINCE,
                self.Jurisdiction.REGENCY: Region.Level.REGENCY,
            }.get(self.Jurisdiction(self.jurisdiction))
            if self.jurisdiction
            else None
        )
        if self.jurisdiction == self.Jurisdiction.NATIONAL and self.region_id:
            raise ValidationError({"region": "Kantor nasional tidak memiliki wilayah."})
        if expected is not None:
            if self.region is None:
                raise ValidationError({"region": "Wilayah yurisdiksi wajib diisi."})
            if self.region.level != expected:
                raise ValidationError(
                    {
                        "region": f"Yurisdiksi {self.get_jurisdiction_display()} memerlukan wilayah tingkat "
                        f"{Region.Level(expected).label}."
                    }
                )

    @property
    def is_national(self) -> bool:
        return self.jurisdiction == self.Jurisdiction.NATIONAL

    @property
    def jurisdiction_label(self) -> str:
        if self.region is None:
            return "Nasional"
        return f"{self.get_jurisdiction_display()} {self.region.name}"


class OfficeUserManager(UserManager["User"]):
    def get_queryset(self) -> models.QuerySet[User]:
        # Every request's user needs its office and agency to compute scope: fetch them with the user.
        return super().get_queryset().select_related("office__agency", "office__region")


class User(AbstractUser):
    """A person who works in one office; what they may do comes from their role groups."""

    objects: ClassVar[OfficeUserManager] = OfficeUserManager()
    _role_names: list[str]  # set by napiter.accounts.backends.grants_load
    _permission_ids: dict[str, int]  # likewise

    office = models.ForeignKey(
        Office, verbose_name="kantor", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    nip = models.CharField("NIP", max_length=18, blank=True)
    position = models.CharField("jabatan", max_length=200, blank=True)

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def role_names(self) -> list[str]:
        """The user's roles, read once per user object (a request's user asks many times)."""
        if not hasattr(self, "_role_names"):
            from napiter.accounts.backends import grants_load

            grants_load(self)
        names: list[str] = self._role_names
        return names
