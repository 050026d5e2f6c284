"""Assessment instruments stored as data, and the assessments made with them.

An instrument has versions; a version holds rating scales, domains with items, the scoring method and
the bands that turn a score into a level. A version that has been used by an assessment is never
changed again: a change is imported as a new version (services.instrument_import).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Instrument(models.Model):
    code = models.SlugField("kode", max_length=60, unique=True)
    name = models.CharField("nama", max_length=200)
    description = models.TextField("keterangan", blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        verbose_name = "instrumen asesmen"
        verbose_name_plural = "instrumen asesmen"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class InstrumentVersion(models.Model):
    class Method(models.TextChoices):
        SUM = "sum", "Jumlah skor"
        WEIGHTED_SUM = "weighted_sum", "Jumlah skor berbobot"
        JUDGEMENT = "judgement", "Penilaian profesional (skor sebagai acuan)"

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Aktif"
        RETIRED = "tidak_aktif", "Tidak aktif"

    instrument = models.ForeignKey(
        Instrument, verbose_name="instrumen", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("nomor versi")
    method = models.CharField("metode penilaian", max_length=16, choices=Method.choices)
    # Missing information is recorded, not fatal; beyond this many missing items no level is computed.
    max_missing = models.PositiveIntegerField("batas butir tidak diketahui", default=0)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField("catatan versi", blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        verbose_name = "versi instrumen"
        verbose_name_plural = "versi instrumen"
        ordering = ["instrument__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} v{self.number}"


class RatingScale(models.Model):
    """A named scale (0-2, rendah/sedang/tinggi, ada/tidak ada): options of a numeric value and a label."""

    version = models.ForeignKey(
        InstrumentVersion, verbose_name="versi", on_delete=models.CASCADE, related_name="scales"
    )
    code = models.SlugField("kode", max_length=40)
    name = models.CharField("nama", max_length=120)
    options = models.JSONField("pilihan", help_text="Daftar {value, label}.")

    class Meta:
        verbose_name = "skala penilaian"
        verbose_name_plural = "skala penilaian"
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="scale_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        values = [o.get("value") for o in self.options] if isinstance(self.options, list) else []
        if not values or len(set(values)) != len(values):
            raise ValidationError({"options": "Skala membutuhkan pilihan dengan nilai yang berbeda-beda."})

    @property
    def values(self) -> list[Decimal]:
        return [Decimal(str(o["value"])) for o in self.options]

    @property
    def maximum(self) -> Decimal:
        return max(self.values)

    def label_for(self, value: Decimal | None) -> str:
        for option in self.options:
            if value is not None and Decimal(str(option["value"])) == value:
                return str(option["label"])
        return ""


class Domain(models.Model):
    version = models.ForeignKey(
        InstrumentVersion, verbose_name="versi", on_delete=models.CASCADE, related_name="domains"
    )
    code = models.SlugField("kode", max_length=40)
    name = models.CharField("nama", max_length=200)
    order = models.PositiveIntegerField("urutan")

    class Meta:
        verbose_name = "domain"
        verbose_name_plural = "domain"
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="domain_code_unique")]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    domain = models.ForeignKey(Domain, verbose_name="domain", on_delete=models.CASCADE, related_name="items")
    code = models.SlugField("kode", max_length=40)
    text = models.CharField("butir", max_length=500)
    help_text = models.TextField("petunjuk", blank=True)
    scale = models.ForeignKey(RatingScale, verbose_name="skala", on_delete=models.PROTECT, related_name="items")
    weight = models.DecimalField("bobot", max_digits=6, decimal_places=2, default=Decimal("1"))
    order = models.PositiveIntegerField("urutan")

    class Meta:
        verbose_name = "butir"
        verbose_name_plural = "butir"
        ordering = ["domain__order", "order"]
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Band(models.Model):
    """A level: reached when the (prorated) score is at least `min_score`. `rank` orders levels from
    lowest concern (1) upwards; a higher level is reviewed sooner (`review_months`)."""

    version = models.ForeignKey(InstrumentVersion, verbose_name="versi", on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField("kode", max_length=40)
    label = models.CharField("tingkat", max_length=80)
    min_score = models.DecimalField("skor minimum", max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField("peringkat")
    review_months = models.PositiveIntegerField("asesmen ulang (bulan)")

    class Meta:
        verbose_name = "tingkat"
        verbose_name_plural = "tingkat"
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="band_code_unique"),
            models.UniqueConstraint(fields=["version", "rank"], name="band_rank_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def submitted(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.SUBMITTED)

    def primary(self) -> AssessmentQuerySet:
        """Not a second assessor's independent rating."""
        return self.filter(second_opinion_of__isnull=True)


class Assessment(models.Model):
    class Purpose(models.TextChoices):
        INITIAL = "awal", "Asesmen awal"
        PERIODIC = "berkala", "Berkala 6 bulan"
        AFTER_AID = "pasca_bantuan", "Pasca bantuan"
        PRE_RELEASE = "pra_bebas", "Pra-bebas"

    class Status(models.TextChoices):
        DRAFT = "draf", "Draf"
        SUBMITTED = "diajukan", "Diajukan (terkunci)"
        SUPERSEDED = "diganti", "Diganti oleh perubahan"

    class Recommendation(models.TextChoices):
        REHABILITATION = "rehabilitasi", "Rehabilitasi"
        REEDUCATION = "reedukasi", "Reedukasi"
        REINTEGRATION = "reintegrasi", "Reintegrasi sosial"

    person = models.ForeignKey(
        "cases.Person", verbose_name="orang", on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.ForeignKey(
        InstrumentVersion, verbose_name="versi instrumen", on_delete=models.PROTECT, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="asesor", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey("accounts.Office", verbose_name="kantor", on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField("tanggal asesmen")
    purpose = models.CharField("tujuan", max_length=16, choices=Purpose.choices)
    sources = models.TextField("sumber informasi", blank=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    score = models.DecimalField("skor", max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField("skor maksimum", max_digits=8, decimal_places=2, null=True, blank=True)
    missing_count = models.PositiveIntegerField("butir tidak diketahui", default=0)
    computed_band = models.ForeignKey(
        Band, verbose_name="tingkat terhitung", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    judged_band = models.ForeignKey(
        Band, verbose_name="penilaian akhir asesor", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    judgement_reason = models.TextField("alasan penilaian berbeda", blank=True)
    recommendation = models.CharField("rekomendasi", max_length=16, choices=Recommendation.choices, blank=True)
    aid_eligible = models.BooleanField("layak bantuan", null=True, blank=True)
    recommendation_notes = models.TextField("catatan rekomendasi", blank=True)
    next_review_on = models.DateField("asesmen ulang", null=True, blank=True)
    amends = models.ForeignKey(
        "self", verbose_name="mengubah", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    version_number = models.PositiveIntegerField("versi asesmen", default=1)
    second_opinion_of = models.ForeignKey(
        "self",
        verbose_name="asesor kedua untuk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="second_opinions",
    )
    submitted_at = models.DateTimeField("diajukan", null=True, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "asesmen"
        verbose_name_plural = "asesmen"
        ordering = ["-assessed_on", "-id"]
        permissions = [("view_item_scores", "Dapat melihat skor per butir asesmen")]
        indexes = [
            models.Index(fields=["person", "status", "assessed_on"], name="assessment_person_status"),
            # Each person's submitted primary assessments newest first, with what the dashboards count of the
            # current one: read in order without touching the table (selectors.current_level_counts).
            models.Index(
                fields=["person", "-assessed_on", "-id"],
                include=["judged_band", "computed_band", "next_review_on"],
                condition=models.Q(status="diajukan", second_opinion_of__isnull=True),
                name="assessment_current",
            ),
        ]

    def __str__(self) -> str:
        return f"Asesmen {self.person} {self.assessed_on}"

    @property
    def level(self) -> Band | None:
        """The assessor's overall judgement where given, else the computed level."""
        return self.judged_band or self.computed_band

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT


class Rating(models.Model):
    assessment = models.ForeignKey(Assessment, verbose_name="asesmen", on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(Item, verbose_name="butir", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("nilai", max_digits=6, decimal_places=2, null=True, blank=True)
    missing = models.BooleanField("informasi tidak tersedia", default=False)
    evidence = models.TextField("bukti/catatan", blank=True)

    class Meta:
        verbose_name = "penilaian butir"
        verbose_name_plural = "penilaian butir"
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="rating_item_unique")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.value}"
