from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from sessions.materials import remove_material
from sessions.models import SessionMaterial
from tests.factories import SLIDES_PDF, PastSessionFactory, SessionMaterialFactory, UserFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db


def _real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _materials_url(session) -> str:
    return reverse("sessions:session_materials", args=[session.program.slug, session.pk])


def _download_url(material) -> str:
    return reverse(
        "sessions:material_download", args=[material.session.program.slug, material.session_id, material.pk]
    )


def _upload(client, session, data: bytes, *, name: str = "slides.pdf", title: str = "Tapering slides"):
    return client.post(
        _materials_url(session),
        {"form": "slides", "slides-title": title, "slides-file": SimpleUploadedFile(name, data)},
    )


def test_upload_real_pdf_is_stored_privately_under_slides(client, coordinator, past_session):
    client.force_login(coordinator)
    pdf = _real_pdf()

    response = _upload(client, past_session, pdf)

    assert response.status_code == 302
    assert response["Location"] == _materials_url(past_session)
    material = SessionMaterial.objects.get()
    assert (material.session, material.kind, material.title, material.url, material.uploaded_by) == (
        past_session,
        SessionMaterial.Kind.SLIDES,
        "Tapering slides",
        "",
        coordinator,
    )
    assert material.file.name.startswith("slides/session-")
    with material.file.open("rb") as stored:
        assert stored.read() == pdf


def test_upload_text_renamed_pdf_is_refused(client, coordinator, past_session):
    client.force_login(coordinator)

    response = _upload(client, past_session, b"Just some notes, not slides.\n", name="notes.pdf")

    assert response.status_code == 200
    assert "This file is not a PDF. Save or export your slides as PDF" in response.content.decode()
    assert 'value="Tapering slides"' in response.content.decode()
    assert SessionMaterial.objects.exists() is False


def test_upload_broken_pdf_with_magic_bytes_is_refused(client, coordinator, past_session):
    client.force_login(coordinator)

    response = _upload(client, past_session, b"%PDF-1.7\nthis is not really a pdf")

    assert response.status_code == 200
    assert "This file is not a PDF." in response.content.decode()
    assert SessionMaterial.objects.exists() is False


@override_settings(SLIDES_MAX_BYTES=1024 * 1024)
def test_upload_oversize_pdf_is_refused(client, coordinator, past_session):
    client.force_login(coordinator)
    pdf = _real_pdf() + b"\n%" + b"x" * (1024 * 1024)

    response = _upload(client, past_session, pdf)

    assert response.status_code == 200
    assert "This file is larger than 1 MB. Export a smaller PDF." in response.content.decode()
    assert SessionMaterial.objects.exists() is False


def test_presenter_adds_recording_link(client, expert, past_session):
    past_session.presenter = expert
    past_session.save(update_fields=["presenter"])
    client.force_login(expert)

    response = client.post(
        _materials_url(past_session),
        {
            "form": "link",
            "link-kind": "recording",
            "link-title": "Recording",
            "link-url": "https://video.example.org/rec/42",
        },
    )

    assert response.status_code == 302
    material = SessionMaterial.objects.get()
    assert (material.kind, material.title, material.url, material.file.name, material.uploaded_by) == (
        SessionMaterial.Kind.RECORDING,
        "Recording",
        "https://video.example.org/rec/42",
        "",
        expert,
    )


def test_link_without_https_is_refused(client, coordinator, past_session):
    client.force_login(coordinator)

    response = client.post(
        _materials_url(past_session),
        {"form": "link", "link-kind": "reference", "link-title": "Guide", "link-url": "http://example.org/g"},
    )

    assert response.status_code == 200
    assert "Use a secure link that starts with https://." in response.content.decode()
    assert SessionMaterial.objects.exists() is False


def test_presenter_who_is_participant_can_upload_slides(client, presenter, past_session):
    past_session.presenter = presenter
    past_session.save(update_fields=["presenter"])
    client.force_login(presenter)

    response = _upload(client, past_session, _real_pdf())

    assert response.status_code == 302
    assert SessionMaterial.objects.get().uploaded_by == presenter


def test_participant_who_does_not_present_gets_403(client, participant, past_session):
    client.force_login(participant)
    before = snapshot()

    response = _upload(client, past_session, _real_pdf())

    assert response.status_code == 403
    assert changes_since(before) == {}


def test_other_programs_coordinator_gets_404(client, other_coordinator, past_session):
    client.force_login(other_coordinator)
    before = snapshot()

    response = _upload(client, past_session, _real_pdf())

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_remove_by_participant_gets_403_and_keeps_material(client, participant, past_session):
    material = SessionMaterialFactory(session=past_session)
    client.force_login(participant)
    before = snapshot()

    response = client.post(
        reverse("sessions:material_remove", args=[past_session.program.slug, past_session.pk, material.pk])
    )

    assert response.status_code == 403
    assert SessionMaterial.objects.filter(pk=material.pk).exists() is True
    assert changes_since(before) == {}


def test_remove_by_coordinator_deletes_row_and_file(
    client, coordinator, past_session, django_capture_on_commit_callbacks
):
    material = SessionMaterialFactory(session=past_session)
    name, storage = material.file.name, material.file.storage
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "sessions:material_remove", args=[past_session.program.slug, past_session.pk, material.pk]
            )
        )

    assert response.status_code == 302
    assert response["Location"] == _materials_url(past_session)
    assert SessionMaterial.objects.exists() is False
    assert storage.exists(name) is False


@pytest.mark.parametrize("member", ["participant", "expert", "coordinator"])
def test_download_by_member_returns_exact_bytes_as_attachment(client, request, past_session, member):
    material = SessionMaterialFactory(session=past_session, title="Tapering slides")
    client.force_login(request.getfixturevalue(member))

    response = client.get(_download_url(material))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SLIDES_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tapering-slides-session-{past_session.pk}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("stranger", ["outsider", "pending_user", "other_coordinator"])
def test_download_by_outsider_returns_404(client, request, past_session, stranger):
    material = SessionMaterialFactory(session=past_session)
    client.force_login(request.getfixturevalue(stranger))

    response = client.get(_download_url(material))

    assert response.status_code == 404
    assert material.title not in response.content.decode()


def test_download_of_link_returns_404(client, participant, past_session):
    link = SessionMaterialFactory(
        session=past_session, kind=SessionMaterial.Kind.REFERENCE, file="", url="https://example.org/g"
    )
    client.force_login(participant)

    assert client.get(_download_url(link)).status_code == 404


def test_session_detail_lists_materials_and_add_button_for_coordinator(client, coordinator, past_session):
    slides = SessionMaterialFactory(session=past_session, title="Tapering slides")
    SessionMaterialFactory(
        session=past_session,
        kind=SessionMaterial.Kind.RECORDING,
        file="",
        url="https://video.example.org/r/1",
    )
    client.force_login(coordinator)

    body = client.get(past_session.get_absolute_url()).content.decode()

    assert f'<a href="{_download_url(slides)}">Tapering slides</a>' in body
    assert 'href="https://video.example.org/r/1"' in body
    assert f'href="{_materials_url(past_session)}">Add materials</a>' in body


def test_session_detail_hides_add_button_from_participant(client, participant, past_session):
    SessionMaterialFactory(session=past_session, title="Tapering slides")
    client.force_login(participant)

    body = client.get(past_session.get_absolute_url()).content.decode()

    assert "Tapering slides</a>" in body
    assert "Add materials" not in body


def _didactic(program, *, days_ago: int, topic: str, title: str):
    session = PastSessionFactory(
        program=program,
        title=title,
        didactic_topic=topic,
        presenter=UserFactory(full_name=f"Dr {title}"),
        starts_at=timezone.now() - timedelta(days=days_ago),
    )
    SessionMaterialFactory(session=session, title=f"{title} slides")
    SessionMaterialFactory(
        session=session,
        kind=SessionMaterial.Kind.RECORDING,
        file="",
        url=f"https://v.example.org/{session.pk}",
    )
    return session


def test_learning_library_lists_past_didactics_and_searches_title_and_topic(client, participant, program):
    _didactic(program, days_ago=14, topic="Opioid tapering", title="Session 3")
    _didactic(program, days_ago=7, topic="Buprenorphine starts", title="Session 4")
    PastSessionFactory(program=program, title="No didactic", didactic_topic="")
    client.force_login(participant)
    url = reverse("sessions:learning_library", args=[program.slug])

    everything = client.get(url).content.decode()
    by_topic = client.get(url, {"q": "buprenorphine"}).content.decode()
    by_title = client.get(url, {"q": "session 3"}).content.decode()
    nothing = client.get(url, {"q": "ketamine"}).content.decode()

    assert "2 didactics" in everything
    assert everything.index("Buprenorphine starts") < everything.index("Opioid tapering")
    assert "No didactic" not in everything
    assert ("1 didactic found" in by_topic, "Opioid tapering" in by_topic) == (True, False)
    assert ("Session 3 slides</a>" in by_title, "Buprenorphine starts" in by_title) == (True, False)
    assert "No didactic matches “ketamine”" in nothing


def test_learning_library_leaves_out_upcoming_sessions(client, participant, program, session):
    client.force_login(participant)

    body = client.get(reverse("sessions:learning_library", args=[program.slug])).content.decode()

    assert session.didactic_topic not in body
    assert "No didactics yet" in body


def _capture(client, url: str) -> CaptureQueriesContext:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return ctx


def _sql(*contexts: CaptureQueriesContext) -> str:
    return "\n\n----\n\n".join("\n".join(q["sql"] for q in ctx.captured_queries) for ctx in contexts)


def test_learning_library_query_count_is_constant(client, participant, program):
    client.force_login(participant)
    url = reverse("sessions:learning_library", args=[program.slug])
    _didactic(program, days_ago=21, topic="Opioid tapering", title="Session 1")
    one = _capture(client, url)
    _didactic(program, days_ago=14, topic="Naloxone", title="Session 2")
    _didactic(program, days_ago=7, topic="Buprenorphine", title="Session 3")
    three = _capture(client, url)

    assert (len(one), len(three)) == (7, 7), _sql(one, three)


def test_session_detail_query_count_is_constant(client, participant, past_session):
    client.force_login(participant)
    SessionMaterialFactory(session=past_session)
    one = _capture(client, past_session.get_absolute_url())
    SessionMaterialFactory.create_batch(2, session=past_session)
    three = _capture(client, past_session.get_absolute_url())

    assert len(one) == len(three), _sql(one, three)


def test_constraint_refuses_link_with_file_and_slides_without_file(past_session):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionMaterialFactory(
            session=past_session, kind=SessionMaterial.Kind.RECORDING, url="https://v.org/1"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionMaterialFactory(session=past_session, file="", url="")

    assert SessionMaterial.objects.exists() is False


def test_remove_material_twice_is_harmless(past_session):
    material = SessionMaterialFactory(session=past_session)

    remove_material(material=material)
    remove_material(material=material)

    assert SessionMaterial.objects.exists() is False
