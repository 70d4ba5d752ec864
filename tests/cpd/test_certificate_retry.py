"""Manage › Certificates shows the certificates whose PDF could not be made, why in plain
words, and a Retry button for the program's coordinators only."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from cpd.models import Certificate
from tests.factories import CertificateFactory, EnrollmentFactory, PastSessionFactory, UserFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """The rendered PDFs go to a folder of this test's own: no later test finds their names taken."""
    settings.MEDIA_ROOT = tmp_path


NO_FONTS = "OSError: cannot load font DejaVuSans"


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


@pytest.fixture
def holder(program):
    return EnrollmentFactory(
        program=program, user=UserFactory(email="ana.lopez@example.org", full_name="Ana Lopez")
    ).user


@pytest.fixture
def failed_certificate(program, holder):
    return CertificateFactory(
        user=holder,
        session=PastSessionFactory(program=program, title="Tapering opioids"),
        render_status=Certificate.RenderStatus.FAILED,
        render_attempts=5,
        file="",
        sha256="",
        rendered_at=None,
        last_error=NO_FONTS,
    )


def _retry_url(program, certificate) -> str:
    return reverse("cpd:certificate_retry", args=[program.slug, certificate.pk])


def _state(certificate) -> tuple:
    certificate.refresh_from_db()
    return certificate.render_status, certificate.render_attempts, certificate.last_error


def test_manage_certificates_shows_a_failed_certificate_in_plain_words_with_retry(
    client, coordinator, program, failed_certificate
):
    client.force_login(coordinator)

    response = client.get(reverse("cpd:manage_certificates", args=[program.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="h6" id="failed-certificates">Certificates that could not be made</h2>' in body
    assert "<strong>Ana Lopez</strong> · Tapering opioids" in body
    assert (
        "A file the PDF needs could not be read or saved (a font, the logo, or the file storage)."
        " Tried 5 times." in body
    )
    assert f'<code class="text-break">{NO_FONTS}</code>' in body
    assert f'<form method="post" action="{_retry_url(program, failed_certificate)}">' in body


def test_manage_certificates_without_failures_shows_no_failure_section(client, coordinator, program, holder):
    CertificateFactory(user=holder, session=PastSessionFactory(program=program))
    client.force_login(coordinator)

    response = client.get(reverse("cpd:manage_certificates", args=[program.slug]))

    assert response.status_code == 200
    assert "Certificates that could not be made" not in response.content.decode()


def test_certificate_retry_by_the_coordinator_renders_it_and_emails_the_holder(
    client, coordinator, program, failed_certificate, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_retry_url(program, failed_certificate))

    assert response.status_code == 302
    assert response["Location"] == reverse("cpd:manage_certificates", args=[program.slug])
    assert _messages(response) == ["The certificate of Ana Lopez is being made again."]
    assert _state(failed_certificate) == (Certificate.RenderStatus.READY, 1, "")
    assert failed_certificate.file.name.endswith(".pdf")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana.lopez@example.org"], "Your CPD certificate is ready")
    ]


def test_certificate_retry_of_a_certificate_that_did_not_fail_changes_nothing(
    client, coordinator, program, holder, django_capture_on_commit_callbacks
):
    certificate = CertificateFactory(user=holder, session=PastSessionFactory(program=program))
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(_retry_url(program, certificate))

    assert response.status_code == 302
    assert _messages(response) == [
        "This certificate is not waiting for a retry: it is ready or being prepared."
    ]
    assert _state(certificate) == (Certificate.RenderStatus.READY, 0, "")
    assert (callbacks, mail.outbox) == ([], [])


def test_certificate_retry_by_another_programs_coordinator_returns_404_and_changes_nothing(
    client, other_coordinator, program, other_program, failed_certificate
):
    client.force_login(other_coordinator)
    before = snapshot()

    responses = [
        client.post(reverse("cpd:certificate_retry", args=[slug, failed_certificate.pk]))
        for slug in (program.slug, other_program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert all(escape("Ana Lopez") not in r.content.decode() for r in responses)
    assert _state(failed_certificate) == (Certificate.RenderStatus.FAILED, 5, NO_FONTS)
    assert changes_since(before) == {}


@pytest.mark.parametrize("role", ["participant", "expert"])
def test_certificate_retry_by_a_member_who_is_not_coordinator_is_403(
    client, request, program, failed_certificate, role
):
    client.force_login(request.getfixturevalue(role))
    before = snapshot()

    response = client.post(_retry_url(program, failed_certificate))

    assert response.status_code == 403
    assert _state(failed_certificate) == (Certificate.RenderStatus.FAILED, 5, NO_FONTS)
    assert changes_since(before) == {}
