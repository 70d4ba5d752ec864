"""The page cache's content version (echo_hub/lib/pagecache.py): one row, created here and
again after every `migrate` or `flush` by pagecache.ensure_version_row."""

import secrets

from django.db import migrations, models


def create_row(apps, schema_editor):
    ContentVersion = apps.get_model("echo_lib", "ContentVersion")
    ContentVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"value": secrets.randbits(62)}
    )


class Migration(migrations.Migration):
    dependencies = [("echo_lib", "0001_database_cache_table")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField()),
            ],
            options={"db_table": "echo_content_version"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
