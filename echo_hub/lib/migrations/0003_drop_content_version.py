"""The whole-page cache is gone, and with it the content version that 0002 made."""

from importlib import import_module

from django.db import migrations

content_version = import_module("echo_hub.lib.migrations.0002_content_version")


class Migration(migrations.Migration):
    dependencies = [("echo_lib", "0002_content_version")]

    operations = [migrations.RunPython(content_version.drop, content_version.create)]
