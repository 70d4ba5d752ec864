"""Request bodies over the limit get a clear 413 page, never a 500, and change nothing."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sessions.models import Role, SessionMaterial
from tests.factories import EnrollmentFactory, PastSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_BIG = "That was too much to send"


@pytest.fixture
def csrf_client():
    """A client that checks CSRF tokens as production does: the middleware reads the body."""
    return Client(enforce_csrf_checks=True)


def _csrf_token(client, url) -> str:
    client.get(url)
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def test_form_body_over_the_limit_gets_413_and_saves_nothing(csrf_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    user = UserFactory(full_name="Before Change")
    csrf_client.force_login(user)
    url = reverse("accounts:profile")
    token = _csrf_token(csrf_client, url)

    response = csrf_client.post(url, {"csrfmiddlewaretoken": token, "full_name": "x" * 3_000})

    user.refresh_from_db()
    assert response.status_code == 413
    body = response.content.decode()
    assert TOO_BIG in body
    assert "The form was larger than this site accepts." in body
    assert user.full_name == "Before Change"


def test_login_with_a_body_over_the_default_limit_gets_413(csrf_client):
    url = reverse("account_login")
    token = _csrf_token(csrf_client, url)

    response = csrf_client.post(
        url, {"csrfmiddlewaretoken": token, "login": "a@example.org", "password": "p" * 3_000_000}
    )

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert response.status_code == 413
    assert TOO_BIG in response.content.decode()
    assert "Content-Security-Policy" in response


def test_too_many_fields_gets_413_naming_the_cause(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(UserFactory())

    response = client.post(reverse("accounts:profile"), {f"f{n}": "x" for n in range(20)})

    assert response.status_code == 413
    assert "The form had too many fields or files." in response.content.decode()


def test_other_refused_requests_get_the_400_page(client):
    response = client.get(reverse("home"), HTTP_HOST="evil.example.net")

    assert response.status_code == 400
    assert "We couldn't read that request" in response.content.decode()


def test_a_file_over_the_upload_limit_gets_413_naming_it_and_saves_nothing(csrf_client, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1024 * 1024
    session = PastSessionFactory()
    coordinator = EnrollmentFactory(program=session.program, role=Role.COORDINATOR).user
    csrf_client.force_login(coordinator)
    url = reverse("sessions:session_materials", kwargs={"slug": session.program.slug, "pk": session.pk})
    token = _csrf_token(csrf_client, url)
    pdf = SimpleUploadedFile(
        "slides.pdf", b"%PDF-1.7\n" + b"x" * (1024 * 1024), content_type="application/pdf"
    )

    response = csrf_client.post(
        url, {"csrfmiddlewaretoken": token, "form": "slides", "slides-title": "Slides", "slides-file": pdf}
    )

    assert response.status_code == 413
    body = response.content.decode()
    assert "The file was larger than 1 MB, the most this site accepts." in body
    assert SessionMaterial.objects.count() == 0
