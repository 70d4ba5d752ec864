"""Every program gets the chronic pain form as version 1 of its case form, and every case the
version of its program.

The pain form's fields keep their columns (see cases/caseforms/templates_pain.py), so no answer
is copied: a case and its letter read exactly what they read before. The definition is frozen in
pain_form_v1.json, as it was when this migration was written."""

import json
from pathlib import Path

from django.db import migrations

PAIN_FORM = json.loads((Path(__file__).parent / "pain_form_v1.json").read_text(encoding="utf-8"))


def forwards(apps, schema_editor):
    Program = apps.get_model("echo_sessions", "Program")
    Case = apps.get_model("cases", "Case")
    CaseForm = apps.get_model("cases", "CaseForm")
    CaseFormVersion = apps.get_model("cases", "CaseFormVersion")
    definition = {key: value for key, value in PAIN_FORM.items() if key != "headings"}
    for program in Program.objects.filter(case_form__isnull=True).order_by("pk"):
        case_form = CaseForm.objects.create(program=program)
        version = CaseFormVersion.objects.create(
            case_form=case_form, number=1, definition=definition, headings=PAIN_FORM["headings"]
        )
        case_form.current = version
        case_form.save(update_fields=["current"])
        Case.objects.filter(program=program, form_version__isnull=True).update(form_version=version)


def backwards(apps, schema_editor):
    apps.get_model("cases", "Case").objects.update(form_version=None)
    apps.get_model("cases", "CaseForm").objects.update(current=None)
    apps.get_model("cases", "CaseFormVersion").objects.all().delete()
    apps.get_model("cases", "CaseForm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_case_forms"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
