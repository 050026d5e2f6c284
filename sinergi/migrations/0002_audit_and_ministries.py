from typing import Any

from django.db import migrations

from napiter.audit.operations import AuditTable

# The K/L of the Tim Sinergisitas (BNPT, 2022); an administrator adds more in the admin.
MINISTRIES = [
    ("kemensos", "Kementerian Sosial", "Kemensos"),
    ("kemenag", "Kementerian Agama", "Kemenag"),
    ("kemendikdasmen", "Kementerian Pendidikan Dasar dan Menengah", "Kemendikdasmen"),
    ("kemnaker", "Kementerian Ketenagakerjaan", "Kemnaker"),
    ("kemenpu", "Kementerian Pekerjaan Umum", "Kementerian PU"),
    ("kemenkes", "Kementerian Kesehatan", "Kemenkes"),
    ("kemendagri", "Kementerian Dalam Negeri", "Kemendagri"),
    ("kemenkop", "Kementerian Koperasi", "Kemenkop"),
    ("kementan", "Kementerian Pertanian", "Kementan"),
    ("kemenpppa", "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak", "Kemen PPPA"),
    ("kemenesdm", "Kementerian Energi dan Sumber Daya Mineral", "Kementerian ESDM"),
    ("kemenkumham", "Kementerian Hukum", "Kemenkum"),
    ("kemenimipas", "Kementerian Imigrasi dan Pemasyarakatan", "Kemenimipas"),
    ("kemenpkp", "Kementerian Perumahan dan Kawasan Permukiman", "Kementerian PKP"),
    ("kemendesa", "Kementerian Desa dan Pembangunan Daerah Tertinggal", "Kemendes PDT"),
    ("kemenkomdigi", "Kementerian Komunikasi dan Digital", "Komdigi"),
    ("kemenpora", "Kementerian Pemuda dan Olahraga", "Kemenpora"),
    ("kemenkeu", "Kementerian Keuangan", "Kemenkeu"),
    ("kemenlu", "Kementerian Luar Negeri", "Kemenlu"),
    ("kemenumkm", "Kementerian Usaha Mikro, Kecil, dan Menengah", "Kementerian UMKM"),
    ("kemenperin", "Kementerian Perindustrian", "Kemenperin"),
    ("kkp", "Kementerian Kelautan dan Perikanan", "KKP"),
    ("lpsk", "Lembaga Perlindungan Saksi dan Korban", "LPSK"),
    ("polri", "Kepolisian Negara Republik Indonesia", "Polri"),
    ("bssn", "Badan Siber dan Sandi Negara", "BSSN"),
    ("baznas", "Badan Amil Zakat Nasional", "BAZNAS"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Ministry = apps.get_model("sinergi", "Ministry")
    for code, name, short in MINISTRIES:
        Ministry.objects.update_or_create(code=code, defaults={"name": name, "short_name": short})


class Migration(migrations.Migration):
    dependencies = [("sinergi", "0001_initial"), ("audit", "0001_initial")]

    operations = [
        *(
            AuditTable(f"sinergi_{table}")
            for table in (
                "ministry", "ministryunit", "official", "agreement", "actionplan", "actionplanevent",
                "reviewcomment", "realisationreport",
            )
        ),  # fmt: skip
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
