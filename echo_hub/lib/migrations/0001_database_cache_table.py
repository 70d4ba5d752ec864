"""The table of the database cache, the shared cache (settings.CACHES["default"]). A
migration, so every environment has it without an extra step."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

DATABASE_CACHE_TABLE = "echo_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, DATABASE_CACHE_TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(DATABASE_CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_table, drop_table)]
