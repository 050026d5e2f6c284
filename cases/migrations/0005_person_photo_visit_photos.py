import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_audit_workflow_tables"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="photo",
            field=models.FileField(blank=True, upload_to="orang/foto/%Y/", verbose_name="foto"),
        ),
        migrations.CreateModel(
            name="VisitPhoto",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("image", models.FileField(upload_to="kunjungan/foto/%Y/", verbose_name="foto")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="diunggah")),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diunggah oleh",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="photos",
                        to="cases.visit",
                        verbose_name="kunjungan",
                    ),
                ),
            ],
            options={"verbose_name": "foto kunjungan", "verbose_name_plural": "foto kunjungan", "ordering": ["id"]},
        ),
        AuditTable("cases_visitphoto"),
    ]
