"""Attachment fields: a PDF, PNG or JPEG known by its first bytes and within the size limit is
stored with the case and served only to those who may see the case; anything else is refused
with the reason, and a required attachment is needed to submit."""

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.caseforms import attachments
from cases.caseforms.templates_builtin import template_definition
from cases.models import Case, CaseAttachment
from tests.factories import LOGO_PNG

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CORE = {
    "title": "Fibrosis report attached",
    "main_concern": "Elevated FIB-4; report attached.",
    "question_1": "Treat now?",
    "medications-TOTAL_FORMS": "0",
    "medications-INITIAL_FORMS": "0",
}


@pytest.fixture
def with_attachment(program, coordinator):
    definition = copy.deepcopy(template_definition("hepatitis_c"))
    definition["sections"][1]["fields"].append(
        {"key": "fibrosis_report", "type": "attachment", "label": "Fibrosis report", "required": True}
    )
    return services.save_form_version(
        program=program,
        sections=definition["sections"],
        headings=definition["headings"],
        template="hepatitis_c",
        by=coordinator,
    )


def _post(client, program, upload, **extra):
    return client.post(
        reverse("cases:create", kwargs={"slug": program.slug}),
        CORE | {"save": "draft", "fibrosis_report": upload} | extra,
    )


def test_a_pdf_is_stored_with_the_case_and_shown_on_its_page(client, presenter, program, with_attachment):
    client.force_login(presenter)

    response = _post(client, program, SimpleUploadedFile("fibroscan.pdf", PDF, content_type="image/png"))

    case = Case.objects.get()
    attachment = CaseAttachment.objects.get()
    assert response.status_code == 302
    assert (attachment.case, attachment.field, attachment.content_type, attachment.size) == (
        case,
        "fibrosis_report",
        "application/pdf",
        len(PDF),
    )
    assert attachment.file.name == f"case-attachments/case-{case.pk}-fibrosis_report.pdf"
    page = client.get(case.get_absolute_url()).content.decode()
    url = reverse("cases:attachment", kwargs={"pk": case.pk, "attachment_pk": attachment.pk})
    assert f'<a href="{url}">fibroscan.pdf</a>' in page


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_whatever_its_name(
    client, presenter, program, with_attachment
):
    client.force_login(presenter)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = _post(client, program, fake)

    assert response.status_code == 200
    assert response.context["answers"].errors == {
        "fibrosis_report": ["Attach a PDF or an image (PNG or JPEG): this file is neither."]
    }
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, presenter, program, with_attachment, monkeypatch):
    monkeypatch.setattr(attachments, "ATTACHMENT_MAX_BYTES", 1024 * 1024)
    client.force_login(presenter)

    response = _post(client, program, SimpleUploadedFile("scan.png", LOGO_PNG + b"\0" * (1024 * 1024)))

    assert response.context["answers"].errors == {
        "fibrosis_report": ["Attach a file of at most 1 MB (this one is 1.0 MB)."]
    }
    assert not CaseAttachment.objects.exists()


def test_a_new_file_replaces_the_fields_earlier_one_and_a_required_one_is_needed_to_submit(
    presenter, program, with_attachment
):
    case = services.save_case_draft(
        presenter=presenter, program=program, fields={"title": "t"}, answers={}, medications=[]
    )
    with pytest.raises(Exception) as caught:
        services.submit_case(case=case, by=presenter)
    assert caught.value.message_dict["fibrosis_report"] == ["Required before you submit."]

    for name, data in (("a.pdf", PDF), ("b.png", LOGO_PNG)):
        services.save_case_draft(
            presenter=presenter,
            program=program,
            fields={"title": "t"},
            answers={},
            medications=[],
            case=case,
            uploads={"fibrosis_report": SimpleUploadedFile(name, data)},
        )

    assert list(CaseAttachment.objects.values_list("original_name", "content_type")) == [
        ("b.png", "image/png")
    ]


ROLES = ("anonymous", "outsider", "other_coordinator", "participant", "presenter", "coordinator", "expert")


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (302, 404, 404, 404, 200, 200, 200), strict=True))
)
def test_an_attachment_is_served_only_to_who_may_see_the_case(
    client, request, program, presenter, with_attachment, role, expected
):
    case = services.save_case_draft(
        presenter=presenter,
        program=program,
        fields={
            "title": "t",
            "main_concern": "c",
            "question_1": "q",
            "age_band": "50-59",
            "sex_gender": "man",
            "consent": "yes",
            "attested_deidentified": True,
        },
        answers={},
        medications=[],
        uploads={"fibrosis_report": SimpleUploadedFile("scan.pdf", PDF)},
    )
    services.submit_case(case=case, by=presenter)
    attachment = CaseAttachment.objects.get()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("cases:attachment", kwargs={"pk": case.pk, "attachment_pk": attachment.pk}))

    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
