from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from napiter.regions.models import Region

ADULT_AGE = 18


class Household(models.Model):
    """A family as registered on one Kartu Keluarga (KK)."""

    kk = models.CharField("nomor KK", max_length=16, unique=True)
    address = models.TextField("alamat KK", blank=True)
    region = models.ForeignKey(
        Region, verbose_name="desa/kelurahan KK", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        verbose_name = "keluarga (KK)"
        verbose_name_plural = "keluarga (KK)"

    def __str__(self) -> str:
        return f"KK {self.kk[:4]}********{self.kk[-4:]}"


class PersonQuerySet(models.QuerySet["Person"]):
    def children(self) -> PersonQuerySet:
        today = timezone.localdate()
        return self.filter(birth_date__gt=_years_before(today, ADULT_AGE))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year - years, day=28)


class Person(models.Model):
    """Someone the programme serves: an ex-convict, a family member, an exposed child, a victim.

    Visibility follows the domicile village (see napiter.accounts.access); identity and contact fields are
    sensitive and masked unless revealed with a logged reason.
    """

    class Category(models.TextChoices):
        EX_CONVICT = "eks_napiter", "Eks napiter / mitra deradikalisasi"
        FAMILY = "keluarga", "Keluarga"
        EXPOSED_CHILD = "anak_terpapar", "Anak terpapar"
        DIRECT_VICTIM = "korban_langsung", "Korban langsung"
        INDIRECT_VICTIM = "korban_tidak_langsung", "Korban tidak langsung"
        PAST_VICTIM = "korban_masa_lalu", "Korban masa lalu"
        DEPORTEE = "deportan", "Deportan"
        RETURNEE = "returnis", "Returnis"

    VICTIM_CATEGORIES = frozenset({Category.DIRECT_VICTIM, Category.INDIRECT_VICTIM, Category.PAST_VICTIM})

    class Sex(models.TextChoices):
        MALE = "L", "Laki-laki"
        FEMALE = "P", "Perempuan"

    class Relation(models.TextChoices):
        HEAD = "kepala", "Kepala keluarga"
        SPOUSE = "pasangan", "Istri/suami"
        CHILD = "anak", "Anak"
        PARENT = "orang_tua", "Orang tua"
        OTHER = "lain", "Famili lain"

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Aktif"
        INACTIVE = "tidak_aktif", "Tidak aktif"
        DECEASED = "meninggal", "Meninggal dunia"

    class LegalBasis(models.TextChoices):
        CONSENT = "persetujuan", "Persetujuan subjek data"
        LEGAL_OBLIGATION = "kewajiban_hukum", "Kewajiban hukum (PP 77/2019)"
        PUBLIC_TASK = "tugas_publik", "Pelaksanaan tugas pemerintahan"
        VITAL_INTEREST = "kepentingan_vital", "Kepentingan vital"

    category = models.CharField("kategori", max_length=24, choices=Category.choices)
    nik = models.CharField("NIK", max_length=16, unique=True, null=True, blank=True)
    full_name = models.CharField("nama lengkap", max_length=200)
    aliases = ArrayField(models.CharField(max_length=200), verbose_name="nama alias", default=list, blank=True)
    sex = models.CharField("jenis kelamin", max_length=1, choices=Sex.choices)
    birth_place = models.CharField("tempat lahir", max_length=100, blank=True)
    birth_date = models.DateField("tanggal lahir")
    domicile_region = models.ForeignKey(
        Region, verbose_name="desa/kelurahan domisili", on_delete=models.PROTECT, related_name="+"
    )
    address = models.TextField("alamat", blank=True)
    phone = models.CharField("telepon", max_length=20, blank=True)
    household = models.ForeignKey(
        Household, verbose_name="keluarga", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    relation_to_head = models.CharField(
        "hubungan dengan kepala keluarga", max_length=12, choices=Relation.choices, blank=True
    )
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    photo = models.FileField("foto", upload_to="orang/foto/%Y/", blank=True)
    legal_basis = models.CharField("dasar hukum pemrosesan", max_length=20, choices=LegalBasis.choices)
    consent_date = models.DateField("tanggal persetujuan", null=True, blank=True)
    registered_by_office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor pendaftar", on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField("data demo", default=False, editable=False)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "orang"
        verbose_name_plural = "orang"
        ordering = ["full_name", "id"]
        permissions = [
            ("reveal_identity", "Dapat membuka NIK dan KK lengkap (dengan alasan, dicatat)"),
            ("reveal_contact", "Dapat membuka alamat dan telepon (dengan alasan, dicatat)"),
        ]
        indexes = [
            GinIndex(OpClass(Upper("full_name"), name="gin_trgm_ops"), name="person_name_trgm"),
            models.Index(fields=["category"], name="person_category"),
            # The list's order: the first page of a million people reads 26 index entries instead of sorting.
            models.Index(fields=["full_name", "id"], name="person_list_order"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_victim(self) -> bool:
        return self.category in self.VICTIM_CATEGORIES

    @property
    def is_child(self) -> bool:
        return self.birth_date > _years_before(timezone.localdate(), ADULT_AGE)


class PersonGrantBase(models.Model):
    """What every explicit grant on a person carries besides the permission: why, until when, by whom."""

    purpose = models.CharField("tujuan", max_length=200)
    expires_at = models.DateTimeField("berlaku sampai")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diberikan oleh", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("diberikan", auto_now_add=True)

    class Meta:
        abstract = True


class PersonUserGrant(UserObjectPermissionBase, PersonGrantBase):
    """A person record shared with one user (django-guardian direct foreign-key table)."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="user_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "akses orang (pengguna)"
        verbose_name_plural = "akses orang (pengguna)"

    def __str__(self) -> str:
        return f"{self.user} → orang #{self.content_object_id} s.d. {self.expires_at:%d-%m-%Y}"


class PersonOfficeGrant(GroupObjectPermissionBase, PersonGrantBase):
    """A person record shared with a whole office, through the office's group (referral, transfer)."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="office_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "akses orang (kantor)"
        verbose_name_plural = "akses orang (kantor)"

    def __str__(self) -> str:
        return f"{self.group} → orang #{self.content_object_id} s.d. {self.expires_at:%d-%m-%Y}"


class Case(models.Model):
    """One episode of service for one person, owned by one office, through the PP 77/2019 stages."""

    class Stage(models.TextChoices):
        IDENTIFICATION = "identifikasi", "Identifikasi dan penilaian"
        REHABILITATION = "rehabilitasi", "Rehabilitasi"
        REEDUCATION = "reedukasi", "Reedukasi"
        REINTEGRATION = "reintegrasi", "Reintegrasi sosial"
        MONITORING = "pemantauan", "Pemantauan"
        CLOSED = "ditutup", "Ditutup"

    class Approach(models.TextChoices):
        RESIDENTIAL = "residensial", "Residensial"
        FAMILY = "keluarga", "Berbasis keluarga"
        COMMUNITY = "komunitas", "Berbasis komunitas"

    class ClosureReason(models.TextChoices):
        REINTEGRATED = "reintegrasi", "Berhasil reintegrasi"
        MOVED_ABROAD = "pindah_luar_negeri", "Pindah ke luar negeri"
        REARRESTED = "ditangkap_kembali", "Ditangkap kembali"
        DIED = "meninggal", "Meninggal dunia"

    class AtensiComponent(models.TextChoices):
        DECENT_LIVING = "hidup_layak", "Pemenuhan hidup layak"
        CARE = "perawatan", "Perawatan sosial/pengasuhan anak"
        FAMILY_SUPPORT = "dukungan_keluarga", "Dukungan keluarga"
        THERAPY = "terapi", "Terapi"
        VOCATIONAL = "vokasional", "Pelatihan vokasional/kewirausahaan"
        SOCIAL_ASSISTANCE = "bansos", "Bantuan sosial"
        ACCESSIBILITY = "aksesibilitas", "Dukungan aksesibilitas"

    person = models.ForeignKey(Person, verbose_name="orang", on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor pemilik", on_delete=models.PROTECT, related_name="cases"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pendamping", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases",
    )  # fmt: skip
    stage = models.CharField("tahap", max_length=16, choices=Stage.choices, default=Stage.IDENTIFICATION)
    approach = models.CharField("pendekatan layanan", max_length=12, choices=Approach.choices)
    atensi_planned = ArrayField(
        models.CharField(max_length=20, choices=AtensiComponent.choices), verbose_name="komponen ATENSI rencana",
        default=list, blank=True,
    )  # fmt: skip
    atensi_given = ArrayField(
        models.CharField(max_length=20, choices=AtensiComponent.choices), verbose_name="komponen ATENSI diberikan",
        default=list, blank=True,
    )  # fmt: skip
    goals = models.TextField("tujuan rencana layanan", blank=True)
    opened_on = models.DateField("dibuka")
    next_review_on = models.DateField("peninjauan berikutnya")
    closed_on = models.DateField("ditutup", null=True, blank=True)
    closure_reason = models.CharField("alasan penutupan", max_length=20, choices=ClosureReason.choices, blank=True)
    is_demo = models.BooleanField("data demo", default=False, editable=False)

    class Meta:
        verbose_name = "kasus"
        verbose_name_plural = "kasus"
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_reason",
                condition=(
                    models.Q(stage="ditutup", closed_on__isnull=False) & ~models.Q(closure_reason="")
                    | (~models.Q(stage="ditutup") & models.Q(closed_on__isnull=True, closure_reason=""))
                ),
            ),
            # One open episode per person at a time.
            models.UniqueConstraint(
                fields=["person"], condition=~models.Q(stage="ditutup"), name="case_one_open_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Kasus #{self.pk} ({self.get_stage_display()})"

    @property
    def atensi_planned_labels(self) -> list[str]:
        return [str(self.AtensiComponent(c).label) for c in self.atensi_planned]

    @property
    def atensi_given_labels(self) -> list[str]:
        return [str(self.AtensiComponent(c).label) for c in self.atensi_given]


class CaseStageChange(models.Model):
    """The history of a case's stages: who moved it, when, why."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("dari tahap", max_length=16, choices=Case.Stage.choices, blank=True)
    to_stage = models.CharField("ke tahap", max_length=16, choices=Case.Stage.choices)
    changed_at = models.DateTimeField("waktu", default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "perubahan tahap"
        verbose_name_plural = "perubahan tahap"
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} → {self.to_stage}"


class Visit(models.Model):
    """A monitoring or home visit by the caseworker."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField("tanggal kunjungan")
    place = models.CharField("tempat", max_length=200)
    findings = models.TextField("temuan")
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="petugas", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("dicatat", auto_now_add=True)

    class Meta:
        verbose_name = "kunjungan"
        verbose_name_plural = "kunjungan"
        ordering = ["-visited_on", "-id"]
        # A case's latest visit, which the due list and the overdue counts read for every open case.
        indexes = [models.Index(fields=["case", "-visited_on"], name="visit_case_latest")]

    def __str__(self) -> str:
        return f"Kunjungan {self.visited_on:%d-%m-%Y}"


class VisitPhoto(models.Model):
    """A photo taken on a visit; the file is stored re-encoded (napiter.uploads) and served only in scope."""

    visit = models.ForeignKey(Visit, verbose_name="kunjungan", on_delete=models.PROTECT, related_name="photos")
    image = models.FileField("foto", upload_to="kunjungan/foto/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diunggah oleh", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("diunggah", auto_now_add=True)

    class Meta:
        verbose_name = "foto kunjungan"
        verbose_name_plural = "foto kunjungan"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Foto kunjungan #{self.pk}"


class CaseNote(models.Model):
    """A caseworker's note; intelligence notes are sensitive and shown only with their own permission."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.PROTECT, related_name="notes")
    body = models.TextField("catatan")
    is_intelligence = models.BooleanField("catatan intelijen", default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="penulis", on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField("ditulis", default=timezone.now)

    class Meta:
        verbose_name = "catatan kasus"
        verbose_name_plural = "catatan kasus"
        ordering = ["-written_at", "-id"]
        permissions = [("view_intelligence_note", "Dapat melihat catatan intelijen")]

    def __str__(self) -> str:
        return f"Catatan {self.written_at:%d-%m-%Y}"


class DtsenSnapshot(models.Model):
    """One imported DT-SEN extract (Data Tunggal Sosial Ekonomi Nasional), kept whole: snapshots are history."""

    snapshot_date = models.DateField("tanggal data")
    source_name = models.CharField("nama berkas", max_length=200)
    imported_at = models.DateTimeField("diimpor", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diimpor oleh", null=True, on_delete=models.PROTECT, related_name="+"
    )
    row_count = models.PositiveIntegerField("jumlah baris", default=0)

    class Meta:
        verbose_name = "snapshot DT-SEN"
        verbose_name_plural = "snapshot DT-SEN"
        ordering = ["-snapshot_date", "-id"]

    def __str__(self) -> str:
        return f"DT-SEN {self.snapshot_date:%d-%m-%Y}"


class DtsenRecord(models.Model):
    """One NIK's row in a snapshot: welfare decile and the flags that block or escalate aid."""

    snapshot = models.ForeignKey(
        DtsenSnapshot, verbose_name="snapshot", on_delete=models.CASCADE, related_name="records"
    )
    nik = models.CharField("NIK", max_length=16)
    decile = models.PositiveSmallIntegerField("desil")
    flag_terror_network = models.BooleanField("terindikasi jaringan terorisme", default=False)
    flag_online_gambling = models.BooleanField("terindikasi judi daring", default=False)

    class Meta:
        verbose_name = "data DT-SEN"
        verbose_name_plural = "data DT-SEN"
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "nik"], name="dtsen_one_row_per_nik"),
            models.CheckConstraint(name="dtsen_decile_1_10", condition=models.Q(decile__gte=1, decile__lte=10)),
        ]
        indexes = [models.Index(fields=["nik", "snapshot"], name="dtsen_nik")]

    def __str__(self) -> str:
        return f"desil {self.decile}"


class Referral(models.Model):
    """A case referred to an LKS, another office or agency, or Sekolah Rakyat (children), with consent."""

    class Kind(models.TextChoices):
        LKS = "lks", "Lembaga Kesejahteraan Sosial (LKS)"
        OFFICE = "kantor", "Kantor lain dalam sistem"
        AGENCY = "instansi", "Instansi lain"
        SEKOLAH_RAKYAT = "sekolah_rakyat", "Sekolah Rakyat"

    class Status(models.TextChoices):
        SENT = "dikirim", "Dikirim"
        ACCEPTED = "diterima", "Diterima"
        DECLINED = "ditolak", "Ditolak"
        COMPLETED = "selesai", "Selesai"

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField("jenis rujukan", max_length=16, choices=Kind.choices)
    to_office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor tujuan", null=True, blank=True, on_delete=models.PROTECT,
        related_name="incoming_referrals",
    )  # fmt: skip
    to_organisation = models.CharField("lembaga tujuan", max_length=200, blank=True)
    reason = models.TextField("alasan rujukan")
    consent_given = models.BooleanField("persetujuan diberikan", default=False)
    consent_by = models.CharField("persetujuan oleh", max_length=120, blank=True, help_text="Ybs. atau wali (anak).")
    consent_date = models.DateField("tanggal persetujuan", null=True, blank=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.SENT)
    outcome = models.TextField("hasil", blank=True)
    access_until = models.DateTimeField("akses kantor tujuan sampai", null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dirujuk oleh", on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField("dirujuk", default=timezone.now)
    responded_at = models.DateTimeField("ditanggapi", null=True, blank=True)

    class Meta:
        verbose_name = "rujukan"
        verbose_name_plural = "rujukan"
        ordering = ["-referred_at", "-id"]
        constraints = [
            models.CheckConstraint(name="referral_has_consent", condition=models.Q(consent_given=True)),
        ]

    def __str__(self) -> str:
        return f"Rujukan {self.get_kind_display()} #{self.pk}"


class Transfer(models.Model):
    """A case moving to another office when the person moves; the receiving office must accept."""

    class Status(models.TextChoices):
        REQUESTED = "diajukan", "Diajukan"
        ACCEPTED = "diterima", "Diterima"
        DECLINED = "ditolak", "Ditolak"
        CANCELLED = "dibatalkan", "Dibatalkan"

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.PROTECT, related_name="transfers")
    from_office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor asal", on_delete=models.PROTECT, related_name="outgoing_transfers"
    )
    to_office = models.ForeignKey(
        "accounts.Office", verbose_name="kantor tujuan", on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    new_domicile = models.ForeignKey(
        Region, verbose_name="domisili baru", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField("alasan")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diajukan oleh", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("diajukan", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diputuskan oleh", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("diputuskan", null=True, blank=True)
    decision_note = models.TextField("catatan keputusan", blank=True)

    class Meta:
        verbose_name = "perpindahan kasus"
        verbose_name_plural = "perpindahan kasus"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="diajukan"), name="transfer_one_pending_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Perpindahan #{self.pk} ({self.get_status_display()})"


class Incident(models.Model):
    """A terror event. People are linked to it as perpetrator, victim or family; the links are never shown
    across sides (a victim's record never names a perpetrator of the same event, and vice versa)."""

    name = models.CharField("nama peristiwa", max_length=200)
    occurred_on = models.DateField("tanggal")
    region = models.ForeignKey(Region, verbose_name="lokasi", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "peristiwa"
        verbose_name_plural = "peristiwa"
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return self.name


class IncidentInvolvement(models.Model):
    class Side(models.TextChoices):
        PERPETRATOR = "pelaku", "Pelaku"
        VICTIM = "korban", "Korban"

    incident = models.ForeignKey(Incident, verbose_name="peristiwa", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name="orang", on_delete=models.PROTECT, related_name="involvements")
    side = models.CharField("pihak", max_length=8, choices=Side.choices)

    class Meta:
        verbose_name = "keterlibatan peristiwa"
        verbose_name_plural = "keterlibatan peristiwa"
        permissions = [("view_incident_links", "Dapat melihat keterkaitan pelaku dan korban suatu peristiwa")]
        constraints = [models.UniqueConstraint(fields=["incident", "person"], name="involvement_once")]

    def __str__(self) -> str:
        return f"{self.get_side_display()} — {self.incident}"
