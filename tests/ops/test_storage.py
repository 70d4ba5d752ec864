import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from cpd.models import Certificate
from cpd.services import render_certificate
from tests.factories import CertificateFactory, RecommendationLetterFactory, UserFactory

from .conftest import S3_BUCKET

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_certificate_rendered_to_s3_downloads_through_the_permission_checked_view(client, use_s3):
    certificate = CertificateFactory(render_status=Certificate.RenderStatus.PENDING, file="", sha256="")

    assert render_certificate(certificate_id=certificate.pk) is True
    certificate.refresh_from_db()
    stored = use_s3.get_object(Bucket=S3_BUCKET, Key=certificate.file.name)["Body"].read()
    client.force_login(certificate.user)
    response = client.get(reverse("cpd:certificate_download", args=[certificate.pk]))

    body = _body(response)
    assert certificate.file.name.startswith("certificates/certificate-")
    assert stored[:5] == b"%PDF-"
    assert hashlib.sha256(stored).hexdigest() == certificate.sha256
    assert body == stored
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == (
        f'attachment; filename="echo-certificate-{certificate.code[:10]}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_certificate_on_s3_is_refused_to_another_user(client, use_s3):
    certificate = CertificateFactory()
    client.force_login(UserFactory(email="someone-else@example.org"))

    response = client.get(reverse("cpd:certificate_download", args=[certificate.pk]))

    assert response.status_code == 404
    assert certificate.file.storage.exists(certificate.file.name) is True


def test_letter_on_s3_downloads_for_its_presenter(client, use_s3):
    letter = RecommendationLetterFactory(
        file=ContentFile(b"%PDF-1.7\n% stored in the bucket\n", "letter.pdf")
    )
    client.force_login(letter.case.presenter)

    response = client.get(reverse("cases:letter", args=[letter.case.pk]))

    assert _body(response) == b"%PDF-1.7\n% stored in the bucket\n"
    assert response["Content-Disposition"] == (
        f'attachment; filename="echo-recommendations-case-{letter.case.pk}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


def test_s3_objects_are_private_and_urls_signed_and_short_lived(use_s3):
    name = default_storage.save("letters/private-check.pdf", ContentFile(b"%PDF-1.7\n"))

    grants = use_s3.get_object_acl(Bucket=S3_BUCKET, Key=name)["Grants"]
    query = parse_qs(urlsplit(default_storage.url(name)).query)

    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
