from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper


class RegionQuerySet(models.QuerySet["Region"]):
    def provinces(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.PROVINCE)

    def within(self, code: str) -> RegionQuerySet:
        """The region itself and everything below it (codes are hierarchical: 36 > 36.01 > 36.01.01)."""
        return self.filter(models.Q(code=code) | models.Q(code__startswith=f"{code}."))


class Region(models.Model):
    """A Kemendagri administrative region; the code is the dotted Kemendagri code (33.73.04.1001)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "Provinsi"
        REGENCY = 2, "Kabupaten/Kota"
        DISTRICT = 3, "Kecamatan"
        VILLAGE = 4, "Desa/Kelurahan"

    code = models.CharField("kode", max_length=13, primary_key=True)
    name = models.CharField("nama", max_length=120)
    level = models.PositiveSmallIntegerField("tingkat", choices=Level.choices)
    kind = models.CharField("jenis", max_length=16)
    parent = models.ForeignKey(
        "self",
        verbose_name="induk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,  # covered by the (parent, name) index below
    )
    postal_code = models.CharField("kode pos", max_length=5, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "wilayah"
        verbose_name_plural = "wilayah"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "name"], name="region_parent_name"),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="region_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def plain_code(self) -> str:
        return self.code.replace(".", "")
