import datetime as dt
import pytest
from django.utils import timezone
from cases.models import CaseStageChange, Visit, Case
from tests.documents.factories import signed_case_report
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

def test_dump(demo_pki, cast):
    case = CaseFactory(person=PersonFactory(full_name="Abdul Rahman", birth_place="Pandeglang"), atensi_planned=["hidup_layak", "vokasional", "dukungan_keluarga"], atensi_given=["hidup_layak"])
    CaseStageChange.objects.create(case=case, from_stage="", to_stage="identifikasi", changed_by=cast.banten_pendamping, note="Registrasi awal setelah bebas dari Lapas Serang")
    CaseStageChange.objects.create(case=case, from_stage="identifikasi", to_stage="rehabilitasi", changed_by=cast.banten_kabid, note="Hasil asesmen awal: risiko sedang")
    for i in range(14):
        Visit.objects.create(case=case, visited_on=dt.date(2026, 4, 1) + dt.timedelta(days=14*i), place="Rumah keluarga, Kp. Cibodas", findings="Klien kooperatif, usaha warung berjalan; keluarga mendukung. " * (1 + i % 3), visited_by=cast.banten_pendamping)
    doc = signed_case_report(case=case, recommendation="Dilanjutkan ke tahap reedukasi dengan pendampingan keluarga.\nUsulkan bantuan UEP Rp 5.000.000.")
    with doc.file.open("rb") as f:
        open("/tmp/proto/case.pdf", "wb").write(f.read())
    print(doc.number, doc.page_count)
