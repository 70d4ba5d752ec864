"""Each program's credit label, rate and statements become one credit type and its
accreditation details; existing certificates keep exactly what they printed."""

from django.db import migrations

PHYSICIANS = ["family_physician", "specialist_physician"]
# The professions as they were when this ran (accounts.models.Profession).
ALL_PROFESSIONS = [
    "family_physician",
    "specialist_physician",
    "nurse_practitioner",
    "registered_nurse",
    "practical_nurse",
    "physician_assistant",
    "pharmacist",
    "physiotherapist",
    "occupational_therapist",
    "social_worker",
    "psychologist",
    "other",
]


def forwards(apps, schema_editor):
    Program = apps.get_model("echo_sessions", "Program")
    CreditType = apps.get_model("cpd", "CreditType")
    Accreditation = apps.get_model("cpd", "Accreditation")
    Certificate = apps.get_model("cpd", "Certificate")
    User = apps.get_model("accounts", "User")
    for program in Program.objects.all():
        others_statement = program.other_professions_statement.strip()
        Accreditation.objects.get_or_create(
            program=program,
            defaults={"hub_name": program.hub_name, "attendance_statement": others_statement},
        )
        credit_type = None
        if program.credits_per_hour > 0:
            # With a statement of its own for other professions, the credits were the physicians';
            # without one, everyone got them, as before.
            credit_type = CreditType.objects.create(
                program=program,
                name=program.credit_type_label or "Credits",
                statement=program.accreditation_statement,
                professions=PHYSICIANS if others_statement else ALL_PROFESSIONS,
                credits_per_hour=program.credits_per_hour,
            )
        physicians = set(User.objects.filter(profession__in=PHYSICIANS).values_list("pk", flat=True))
        certificates = Certificate.objects.filter(session__program=program) | Certificate.objects.filter(
            cycle__program=program
        )
        for certificate in certificates:
            # What its PDF printed: the program's label, and the statement for the holder's profession.
            physician = certificate.user_id in physicians
            certificate.credit_type = credit_type
            certificate.credit_name = program.credit_type_label
            certificate.statement = (
                program.accreditation_statement if physician or not others_statement else others_statement
            )
            certificate.save(update_fields=["credit_type", "credit_name", "statement"])


class Migration(migrations.Migration):
    dependencies = [
        ("cpd", "0006_credit_types_and_accreditation"),
        ("echo_sessions", "0006_notification_scope_backfill"),
        ("accounts", "0006_learner_identifiers"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
