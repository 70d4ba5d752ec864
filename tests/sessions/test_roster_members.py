import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions.models import Enrollment


def _csv(*rows: str) -> SimpleUploadedFile:
    body = "email,full_name,profession,organization\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("roster.csv", body.encode(), content_type="text/csv")


@pytest.mark.django_db
def test_roster_import_preview_skips_people_already_in_the_program(client, program, coordinator, participant):
    client.force_login(coordinator)
    upload = _csv(
        "PARTICIPANT@example.org,Jordan K,Nurse practitioner,Sioux Lookout",
        "new.person@example.org,New Person,pharmacist,Timmins Pharmacy",
    )

    response = client.post(reverse("sessions:manage_roster_import", args=[program.slug]), {"file": upload})

    html = response.content.decode()
    assert [line.note for line in response.context["report"].lines] == ["Already a member; left as is.", ""]
    assert "Import the 1 valid row" in html
    assert Enrollment.objects.filter(program=program).count() == 2


@pytest.mark.django_db
def test_roster_import_confirm_adds_only_new_people(client, program, coordinator, participant):
    client.force_login(coordinator)
    upload = _csv(
        "participant@example.org,Jordan K,Nurse practitioner,Sioux Lookout",
        "new.person@example.org,New Person,Pharmacist,Timmins Pharmacy",
    )
    client.post(reverse("sessions:manage_roster_import", args=[program.slug]), {"file": upload})

    response = client.post(reverse("sessions:manage_roster_import_confirm", args=[program.slug]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["1 person added to the roster and emailed."]
    emails = set(program.enrollments.filter(status="approved").values_list("user__email", flat=True))
    assert emails == {"coord@example.org", "participant@example.org", "new.person@example.org"}
