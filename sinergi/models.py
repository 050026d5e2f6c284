"""Sinergi: K/L action plans, their review, the berita acara kesepakatan, and realisation reports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from napiter.regions.models import Region


class Ministry(models.Model):
    """A ministry or agency (K/L) of the Tim Sinergisitas. `code` equals the code of its accounts.Agency,
    which is how a planner's office is tied to its K/L."""

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("nama", max_length=200, unique=True)
    short_name = models.CharField("singkatan", max_length=40)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "kementerian/lembaga"
        verbose_name_plural = "kementerian/lembaga"
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name


class MinistryUnit(models.Model):
    class Echelon(models.TextChoices):
        ESELON_I = "eselon_1", "Eselon I"
        ESELON_II = "eselon_2", "Eselon II"

    ministry = models.ForeignKey(Ministry, verbose_name="K/L", on_delete=models.PROTECT, related_name="units")
    name = models.CharField("nama unit", max_length=200)
    echelon = models.CharField("eselon", max_length=10, choices=Echelon.choices)
    parent = models.ForeignKey(
        "self", verbose_name="unit induk", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "unit K/L"
        verbose_name_plural = "unit K/L"
        ordering = ["ministry", "echelon", "name"]
        constraints = [models.UniqueConstraint(fields=["ministry", "name"], name="sinergi_unit_unique_name")]

    def __str__(self) -> str:
        return f"{self.ministry.short_name} — {self.name}"

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.ministry_id != self.ministry_id:
            raise ValidationError({"parent": "Unit induk harus dari K/L yang sama."})


class Official(models.Model):
    """A signing official: a K/L's Eselon II official, or the Kepala BNPT (no ministry)."""

    class Kind(models.TextChoices):
        ESELON_II = "eselon_2", "Pejabat Eselon II K/L"
        KEPALA_BNPT = "kepala_bnpt", "Kepala BNPT"

    kind = models.CharField("jenis", max_length=12, choices=Kind.choices)
    ministry = models.ForeignKey(
        Ministry, verbose_name="K/L", null=True, blank=True, on_delete=models.PROTECT, related_name="officials"
    )
    unit = models.ForeignKey(
        MinistryUnit, verbose_name="unit", null=True, blank=True, on_delete=models.PROTECT, related_name="officials"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="akun", on_delete=models.PROTECT, related_name="sinergi_official_posts"
    )
    position = models.CharField("jabatan", max_length=200)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "pejabat penanda tangan"
        verbose_name_plural = "pejabat penanda tangan"
        constraints = [
            models.CheckConstraint(
                name="sinergi_official_ministry_matches_kind",
                condition=(
                    models.Q(kind="eselon_2", ministry__isnull=False)
                    | models.Q(kind="kepala_bnpt", ministry__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position} ({self.user.get_full_name() or self.user.username})"

    def clean(self) -> None:
        if self.kind == self.Kind.ESELON_II and not self.ministry_id:
            raise ValidationError({"ministry": "Pejabat Eselon II harus terkait dengan satu K/L."})
        if self.kind == self.Kind.KEPALA_BNPT and self.ministry_id:
            raise ValidationError({"ministry": "Kepala BNPT tidak terkait dengan K/L."})
        if self.unit_id and self.unit and self.unit.ministry_id != self.ministry_id:
            raise ValidationError({"unit": "Unit harus dari K/L pejabat."})


class Agreement(models.Model):
    """Berita acara kesepakatan: the approved plans of one K/L for one year, signed by the K/L's Eselon II
    official and then the Kepala BNPT through the documents pipeline."""

    ministry = models.ForeignKey(Ministry, verbose_name="K/L", on_delete=models.PROTECT, related_name="agreements")
    year = models.PositiveSmallIntegerField("tahun")
    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor penerbit", on_delete=models.PROTECT, related_name="+"
    )
    ministry_signatory = models.ForeignKey(
        Official, verbose_name="penanda tangan K/L", on_delete=models.PROTECT, related_name="+"
    )
    bnpt_signatory = models.ForeignKey(
        Official, verbose_name="penanda tangan BNPT", on_delete=models.PROTECT, related_name="+"
    )
    document = models.OneToOneField(
        "documents.Document",
        verbose_name="dokumen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dibuat oleh", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat pada", auto_now_add=True)

    class Meta:
        verbose_name = "berita acara kesepakatan"
        verbose_name_plural = "berita acara kesepakatan"
        ordering = ["-year", "ministry"]
        constraints = [models.UniqueConstraint(fields=["ministry", "year"], name="sinergi_agreement_one_per_year")]

    def __str__(self) -> str:
        return f"Kesepakatan {self.ministry.short_name} {self.year}"

    @property
    def is_signed(self) -> bool:
        return self.document is not None and self.document.status == "signed"


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def of_ministry(self, ministry: Ministry) -> ActionPlanQuerySet:
        return self.filter(ministry=ministry)


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draf", "Draf"
        SUBMITTED = "diajukan", "Diajukan"
        RETURNED = "dikembalikan", "Dikembalikan"
        APPROVED = "disetujui", "Disetujui"
        AGREED = "disepakati", "Disepakati"

    class PlanType(models.TextChoices):
        FISIK = "fisik", "Fisik"
        NON_FISIK = "non_fisik", "Non-fisik"

    class Category(models.TextChoices):
        SUMUR_BOR = "sumur_bor", "Sumur bor"
        PENERANGAN_JALAN = "penerangan_jalan", "Penerangan jalan"
        PERBAIKAN_JALAN = "perbaikan_jalan", "Perbaikan jalan"
        RENOVASI_RUMAH = "renovasi_rumah", "Renovasi rumah"
        ELEKTRIFIKASI = "elektrifikasi", "Elektrifikasi"
        PELATIHAN_KEWIRAUSAHAAN = "pelatihan_kewirausahaan", "Pelatihan kewirausahaan"
        MODAL_USAHA = "modal_usaha", "Modal usaha"
        PENDIDIKAN = "pendidikan", "Pendidikan"
        KESEHATAN = "kesehatan", "Kesehatan"
        MODERASI_BERAGAMA = "moderasi_beragama", "Moderasi beragama"
        LAINNYA = "lainnya", "Lainnya"

    class FundingSource(models.TextChoices):
        APBN = "apbn", "APBN"
        APBD = "apbd", "APBD"
        LAINNYA = "lainnya", "Lainnya"

    class Pillar(models.TextChoices):
        PILAR_1 = "1", "Pilar 1: Pencegahan (kesiapsiagaan, kontra radikalisasi, deradikalisasi)"
        PILAR_2 = "2", "Pilar 2: Penegakan hukum, pelindungan saksi dan korban, penguatan legislasi"
        PILAR_3 = "3", "Pilar 3: Kemitraan dan kerja sama internasional"

    FISIK_CATEGORIES = frozenset(
        {
            Category.SUMUR_BOR,
            Category.PENERANGAN_JALAN,
            Category.PERBAIKAN_JALAN,
            Category.RENOVASI_RUMAH,
            Category.ELEKTRIFIKASI,
        }
    )

    ministry = models.ForeignKey(Ministry, verbose_name="K/L", on_delete=models.PROTECT, related_name="plans")
    unit = models.ForeignKey(MinistryUnit, verbose_name="unit", on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField("tahun", validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    title = models.CharField("judul", max_length=250)
    description = models.TextField("uraian", blank=True)
    plan_type = models.CharField("jenis", max_length=10, choices=PlanType.choices)
    category = models.CharField("kategori", max_length=30, choices=Category.choices)
    province = models.ForeignKey(Region, verbose_name="provinsi", on_delete=models.PROTECT, related_name="+")
    regency = models.ForeignKey(
        Region, verbose_name="kabupaten/kota", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Region, verbose_name="desa/kelurahan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Counts by target group, never person records: K/L planners do not see people.
    target_mitra = models.PositiveIntegerField("sasaran mitra deradikalisasi", default=0)
    target_families = models.PositiveIntegerField("sasaran keluarga mitra", default=0)
    target_victims = models.PositiveIntegerField("sasaran korban", default=0)
    budget = models.DecimalField("anggaran (Rp)", max_digits=16, decimal_places=0, validators=[MinValueValidator(0)])
    funding_source = models.CharField("sumber dana", max_length=10, choices=FundingSource.choices)
    start_on = models.DateField("mulai")
    end_on = models.DateField("selesai")
    output_indicator = models.CharField("indikator keluaran", max_length=250)
    output_target = models.DecimalField("target keluaran", max_digits=12, decimal_places=2)
    output_unit = models.CharField("satuan keluaran", max_length=40)
    pillar = models.CharField("pilar RAN PE", max_length=1, choices=Pillar.choices)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.DRAFT)
    agreement = models.ForeignKey(
        Agreement, verbose_name="kesepakatan", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dibuat oleh", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat pada", auto_now_add=True)
    updated_at = models.DateTimeField("diubah pada", auto_now=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "rencana aksi"
        verbose_name_plural = "rencana aksi"
        ordering = ["-year", "ministry", "id"]
        permissions = [("approve_actionplan", "Menyetujui atau mengembalikan rencana aksi")]
        indexes = [models.Index(fields=["year", "status"]), models.Index(fields=["ministry", "year"])]

    def __str__(self) -> str:
        return f"{self.ministry.short_name} {self.year}: {self.title}"

    @property
    def target_total(self) -> int:
        return self.target_mitra + self.target_families + self.target_victims

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.AGREED

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.unit_id and self.ministry_id and self.unit.ministry_id != self.ministry_id:
            errors["unit"] = "Unit harus dari K/L rencana aksi."
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "Tanggal selesai tidak boleh sebelum tanggal mulai."
        if self.start_on and self.year and self.start_on.year != self.year:
            errors["start_on"] = f"Tanggal mulai harus dalam tahun {self.year}."
        if self.category and self.plan_type:
            fisik = self.category in self.FISIK_CATEGORIES
            if fisik and self.plan_type != self.PlanType.FISIK:
                errors["plan_type"] = f"Kategori {self.get_category_display().lower()} adalah kegiatan fisik."
        province, regency, village = self.province if self.province_id else None, self.regency, self.village
        if province is not None and province.level != Region.Level.PROVINCE:
            errors["province"] = "Pilih wilayah tingkat provinsi."
        if regency is not None and (regency.level != Region.Level.REGENCY or regency.parent_id != self.province_id):
            errors["regency"] = "Kabupaten/kota harus berada di provinsi lokasi."
        if village is not None and (regency is None or not village.code.startswith(f"{regency.code}.")):
            errors["village"] = "Desa/kelurahan harus berada di kabupaten/kota lokasi."
        if self.target_total == 0:
            errors["target_mitra"] = "Isi jumlah sasaran paling sedikit satu kelompok."
        if errors:
            raise ValidationError(errors)


class ActionPlanEvent(models.Model):
    """The plan's history: every transition, with a snapshot of the plan as it was submitted; a change by
    addendum keeps the plan before and after (`{"addendum": number, "before": {...}, "after": {...}}`)."""

    class Action(models.TextChoices):
        CREATED = "dibuat", "Dibuat"
        EDITED = "diubah", "Diubah"
        SUBMITTED = "diajukan", "Diajukan"
        RETURNED = "dikembalikan", "Dikembalikan"
        APPROVED = "disetujui", "Disetujui"
        AGREED = "disepakati", "Dimasukkan dalam kesepakatan"
        AMENDED = "diadendum", "Diubah dengan adendum"

    plan = models.ForeignKey(ActionPlan, verbose_name="rencana aksi", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("tindakan", max_length=12, choices=Action.choices)
    from_status = models.CharField("dari status", max_length=12, blank=True)
    to_status = models.CharField("ke status", max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("waktu", auto_now_add=True)
    snapshot = models.JSONField("isi saat itu", default=dict, blank=True)

    class Meta:
        verbose_name = "riwayat rencana aksi"
        verbose_name_plural = "riwayat rencana aksi"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.plan_id}"


class ReviewComment(models.Model):
    plan = models.ForeignKey(ActionPlan, verbose_name="rencana aksi", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="penelaah", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("catatan")
    created_at = models.DateTimeField("waktu", auto_now_add=True)

    class Meta:
        verbose_name = "catatan telaah"
        verbose_name_plural = "catatan telaah"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Catatan #{self.plan_id}: {self.text[:40]}"


def quarter_due_date(year: int, quarter: int) -> dt.date:
    """A quarter's report is due on the 15th day after the quarter ends."""
    end_month = quarter * 3
    next_start = dt.date(year + (end_month == 12), end_month % 12 + 1, 1)
    return next_start + dt.timedelta(days=14)


class RealisationReport(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name="rencana aksi", on_delete=models.PROTECT, related_name="realisations"
    )
    quarter = models.PositiveSmallIntegerField("triwulan", validators=[MinValueValidator(1), MaxValueValidator(4)])
    progress_percent = models.PositiveSmallIntegerField(
        "kemajuan (%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    output_achieved = models.DecimalField("keluaran tercapai", max_digits=12, decimal_places=2, default=0)
    budget_spent = models.DecimalField("anggaran terserap (Rp)", max_digits=16, decimal_places=0, default=0)
    beneficiaries_reached = models.PositiveIntegerField("penerima manfaat terjangkau", default=0)
    narrative = models.TextField("uraian", blank=True)
    evidence = models.FileField("bukti", upload_to="sinergi/bukti/%Y/", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dilaporkan oleh", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("dilaporkan pada")

    class Meta:
        verbose_name = "laporan realisasi"
        verbose_name_plural = "laporan realisasi"
        ordering = ["plan", "quarter"]
        constraints = [models.UniqueConstraint(fields=["plan", "quarter"], name="sinergi_realisation_one_per_quarter")]

    def __str__(self) -> str:
        return f"Realisasi #{self.plan_id} TW{self.quarter}"

    @property
    def due_on(self) -> dt.date:
        return quarter_due_date(self.plan.year, self.quarter)

    @property
    def was_late(self) -> bool:
        return self.reported_at.date() > self.due_on


class Addendum(models.Model):
    """Adendum kesepakatan: a change to plans frozen in one K/L's berita acara kesepakatan.

    The K/L planner proposes; the BNPT koordinator approves (which requests the `addendum` document, signed
    by the same two officials in the same order as the kesepakatan) or returns it. The changes reach the
    plans only when the document's last signature is made; the plans stay frozen.
    """

    class Status(models.TextChoices):
        PROPOSED = "diajukan", "Diajukan"
        RETURNED = "dikembalikan", "Dikembalikan"
        APPROVED = "disetujui", "Disetujui, dalam penandatanganan"
        APPLIED = "berlaku", "Berlaku"

    OPEN_STATUSES = (Status.PROPOSED, Status.APPROVED)

    agreement = models.ForeignKey(
        Agreement, verbose_name="kesepakatan", on_delete=models.PROTECT, related_name="addenda"
    )
    sequence = models.PositiveSmallIntegerField("adendum ke")
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.PROPOSED)
    ministry_signatory = models.ForeignKey(
        Official, verbose_name="penanda tangan K/L", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bnpt_signatory = models.ForeignKey(
        Official, verbose_name="penanda tangan BNPT", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.OneToOneField(
        "documents.Document",
        verbose_name="dokumen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diajukan oleh", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("diajukan pada", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditelaah oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("ditelaah pada", null=True, blank=True)
    review_comment = models.TextField("catatan telaah", blank=True)
    applied_at = models.DateTimeField("berlaku sejak", null=True, blank=True)

    class Meta:
        verbose_name = "adendum kesepakatan"
        verbose_name_plural = "adendum kesepakatan"
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="sinergi_addendum_sequence"),
        ]

    def __str__(self) -> str:
        return f"Adendum ke-{self.sequence} {self.agreement}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AddendumItem(models.Model):
    """The change to one plan: `changes` is a list of `{"field", "label", "old", "new", "old_display",
    "new_display"}`, raw values as stored (ids of related rows, ISO dates, decimals as text) and their
    wording for the page and the document, fixed when the change was proposed."""

    addendum = models.ForeignKey(Addendum, verbose_name="adendum", on_delete=models.CASCADE, related_name="items")
    plan = models.ForeignKey(
        ActionPlan, verbose_name="rencana aksi", on_delete=models.PROTECT, related_name="addendum_items"
    )
    changes = models.JSONField("perubahan", default=list)
    reason = models.TextField("alasan perubahan")

    class Meta:
        verbose_name = "perubahan rencana aksi"
        verbose_name_plural = "perubahan rencana aksi"
        ordering = ["addendum", "plan_id"]
        constraints = [models.UniqueConstraint(fields=["addendum", "plan"], name="sinergi_addendum_item_plan")]

    def __str__(self) -> str:
        return f"Adendum #{self.addendum_id}: rencana aksi #{self.plan_id}"
