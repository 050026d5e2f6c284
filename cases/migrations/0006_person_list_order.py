from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_person_photo_visit_photos"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["full_name", "id"], name="person_list_order"),
        ),
    ]
