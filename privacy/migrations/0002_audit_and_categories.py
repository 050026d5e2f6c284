"""The change log on every privacy table, and the first record of processing (edited by the DPO after)."""

from typing import Any

from django.db import migrations

from napiter.audit.operations import AuditTable

_PP77 = "UU 5/2018 dan PP 77/2019 (pencegahan tindak pidana terorisme, deradikalisasi, pelindungan korban)"
_RECIPIENTS_CASEWORK = "BNPT, Kemensos, Dinas Sosial provinsi/kabupaten/kota di wilayah domisili; kantor tujuan rujukan"

# code, name, data items, specific?, purpose, legal basis, retention years, action, recipients
CATEGORIES = [
    ("identitas", "Identitas dan kontak",
     "Nama, nama alias, NIK, nomor KK, tempat dan tanggal lahir, alamat, telepon, hubungan keluarga",
     False, "Mengenali subjek data dan keluarganya untuk pendampingan rehabilitasi dan reintegrasi sosial",
     f"Pasal 20 ayat (2) huruf c dan e UU 27/2022; {_PP77}", 10,
     "Nama, NIK, KK, alamat, telepon dan foto dihapus; kategori, provinsi/kabupaten dan tahun lahir disimpan",
     _RECIPIENTS_CASEWORK),
    ("riwayat_pidana", "Riwayat pidana dan keterlibatan peristiwa",
     "Kategori (eks napiter, deportan, returnis, korban), keterlibatan dalam peristiwa terorisme",
     True, "Menentukan program deradikalisasi atau pemulihan korban yang sesuai",
     f"Pasal 4 ayat (2) huruf d UU 27/2022 (catatan kejahatan); {_PP77}", 10,
     "Kaitan orang dengan peristiwa dihapus; peristiwa dan kategori orang disimpan",
     "BNPT (koordinator nasional); tidak dibagikan ke luar"),
    ("catatan_kasus", "Catatan kasus dan kunjungan",
     "Tujuan layanan, kunjungan dan temuan, catatan pendamping, rujukan dan perpindahan",
     False, "Pengelolaan kasus dan pelaporan layanan ATENSI", f"Pasal 20 ayat (2) huruf e UU 27/2022; {_PP77}", 10,
     "Isi catatan, tempat dan temuan kunjungan dihapus; tahap kasus beserta tanggalnya disimpan",
     _RECIPIENTS_CASEWORK),
    ("catatan_intelijen", "Catatan intelijen",
     "Catatan kasus yang ditandai intelijen",
     True, "Pencegahan tindak pidana terorisme",
     "Pasal 15 ayat (1) UU 27/2022 (pertahanan dan keamanan nasional, penegakan hukum); UU 5/2018", 5,
     "Isi catatan dihapus", "Supervisor dan Pejabat Pelindungan Data Pribadi; aparat penegak hukum atas permintaan sah"),
    ("asesmen", "Asesmen tingkat radikalisme",
     "Tingkat, skor, butir penilaian, bukti dan rekomendasi asesor",
     True, "Menilai kemajuan deradikalisasi dan kelayakan bantuan", f"Pasal 20 ayat (2) huruf e UU 27/2022; {_PP77}",
     10, "Sumber, bukti butir dan catatan rekomendasi dihapus; tingkat dan tanggal disimpan",
     "BNPT (asesor, koordinator), supervisor wilayah"),
    ("bantuan", "Bantuan usaha dan pemantauan",
     "Program, nilai, jenis usaha, lokasi, alasan usulan, hasil pemantauan",
     False, "Penyaluran dan pertanggungjawaban bantuan", "Pasal 20 ayat (2) huruf c dan e UU 27/2022; Permensos ATENSI",
     10, "Lokasi, alasan dan kendala dihapus; program, nilai dan status disimpan untuk pertanggungjawaban keuangan",
     "Kemensos, Dinas Sosial, BPK/Inspektorat untuk pemeriksaan"),
    ("foto", "Foto",
     "Foto orang, foto kunjungan, foto penyaluran dan pemantauan, tanda tangan penerima",
     False, "Bukti kunjungan dan penyaluran bantuan", "Pasal 20 ayat (2) huruf e UU 27/2022", 5,
     "Berkas foto dihapus", _RECIPIENTS_CASEWORK),
    ("dtsen", "Data DT-SEN",
     "Desil kesejahteraan dan penanda dari Data Tunggal Sosial Ekonomi Nasional",
     False, "Menentukan kelayakan bantuan sosial", "Pasal 20 ayat (2) huruf e UU 27/2022; Inpres 4/2025 (DT-SEN)", 2,
     "Baris DT-SEN milik orang ini dihapus", "Kemensos, Dinas Sosial"),
    ("dokumen", "Dokumen bertanda tangan",
     "Laporan kasus, BAST bantuan, laporan asesmen dan salinan data yang menyebut orang",
     False, "Bukti administrasi yang sah", "Pasal 20 ayat (2) huruf c UU 27/2022; PP 71/2019", 10,
     "Berkas PDF dihapus bila semua orang yang disebut sudah dianonimkan; nomor dan hash SHA-256 disimpan",
     _RECIPIENTS_CASEWORK),
    ("jejak_audit", "Jejak akses data",
     "Siapa membuka data siapa, kapan, dari mana, dengan alasan apa",
     False, "Akuntabilitas akses terhadap data pribadi", "Pasal 35 dan 39 UU 27/2022", None,
     "Tidak dianonimkan: jejak audit tidak dapat diubah dan disimpan sesuai ketentuan kearsipan",
     "Auditor (Inspektorat), Pejabat Pelindungan Data Pribadi; subjek data atas permintaan akses"),
]  # fmt: skip


def seed(apps: Any, schema_editor: Any) -> None:
    DataCategory = apps.get_model("privacy", "DataCategory")
    for order, row in enumerate(CATEGORIES, start=1):
        code, name, items, specific, purpose, basis, years, action, recipients = row
        DataCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "data_items": items,
                "is_specific": specific,
                "purpose": purpose,
                "legal_basis": basis,
                "retention_years": years,
                "retention_action": action,
                "recipients": recipients,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("audit", "0001_initial")]

    operations = [
        *(
            AuditTable(f"privacy_{table}")
            for table in ("datacategory", "legalhold", "anonymisation", "breachincident", "breachincident_categories")
        ),
        # The export is a copy of everything held about the person: the log records that it changed, not a
        # second copy of it.
        AuditTable("privacy_subjectrequest", redact=["export_data", "requester_name", "details"]),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
