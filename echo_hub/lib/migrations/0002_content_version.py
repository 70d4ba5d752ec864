"""The content version of a whole-page cache, since removed (0003 drops it).

PostgreSQL: a sequence. Moving it on (nextval) is not part of any transaction and needs no
commit of its own, so the bump after every committed write costs no wait for the disk; it
never goes back, not even after a crash. Other databases (SQLite, for development): a one-row
table.
"""

import secrets

from django.db import migrations

VERSION_SEQUENCE = "echo_content_version_seq"
VERSION_TABLE = "echo_content_version"


def create(apps, schema_editor):
    start = secrets.randbits(62)  # never the number of an older database's cached pages
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{VERSION_SEQUENCE}" START WITH {start}')
        schema_editor.execute(f"SELECT nextval('\"{VERSION_SEQUENCE}\"')")  # last_value is now set
    else:
        schema_editor.execute(f'CREATE TABLE "{VERSION_TABLE}" ("id" integer PRIMARY KEY, "value" bigint NOT NULL)')
        schema_editor.execute(f'INSERT INTO "{VERSION_TABLE}" ("id", "value") VALUES (1, {start})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP SEQUENCE IF EXISTS "{VERSION_SEQUENCE}"')
    else:
        schema_editor.execute(f'DROP TABLE IF EXISTS "{VERSION_TABLE}"')


class Migration(migrations.Migration):
    dependencies = [("echo_lib", "0001_database_cache_table")]

    operations = [migrations.RunPython(create, drop)]
