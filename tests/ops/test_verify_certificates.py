from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cpd.management.commands.verify_certificates import Command
from cpd.models import Certificate
from tests.factories import CertificateFactory, RecommendationLetterFactory

from .conftest import S3_BUCKET

pytestmark = pytest.mark.django_db


def _verify() -> tuple[list[str], str | None]:
    out = StringIO()
    try:
        call_command("verify_certificates", stdout=out)
    except CommandError as exc:
        return out.getvalue().splitlines(), str(exc)
    return out.getvalue().splitlines(), None


def test_verify_certificates_with_every_file_intact_passes():
    CertificateFactory()
    RecommendationLetterFactory()
    CertificateFactory(render_status=Certificate.RenderStatus.PENDING, file="", sha256="")

    lines, error = _verify()

    assert (lines, error) == (["Checked 2 files: 2 ok, 0 missing, 0 mismatched."], None)


def test_verify_certificates_reports_a_tampered_and_a_missing_file():
    CertificateFactory()
    tampered = CertificateFactory()
    missing = RecommendationLetterFactory()
    with tampered.file.storage.open(tampered.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7\n% someone edited the credits\n%%EOF\n")
    missing.file.storage.delete(missing.file.name)

    lines, error = _verify()

    assert lines == [
        f"mismatch: cpd.Certificate {tampered.pk} {tampered.file.name}",
        f"missing: cases.RecommendationLetter {missing.pk} {missing.file.name}",
    ]
    assert error == "Checked 3 files: 1 ok, 1 missing, 1 mismatched."


def test_verify_certificates_counts_a_ready_row_without_a_file_as_missing():
    certificate = CertificateFactory(file="")

    lines, error = _verify()

    assert lines == [f"missing: cpd.Certificate {certificate.pk} (no file)"]
    assert error == "Checked 1 files: 0 ok, 1 missing, 0 mismatched."


def test_verify_certificates_exits_non_zero_from_the_command_line(capsys):
    certificate = CertificateFactory()
    certificate.file.storage.delete(certificate.file.name)

    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "verify_certificates"])

    assert exit_info.value.code == 1
    assert capsys.readouterr().err == "CommandError: Checked 1 files: 0 ok, 1 missing, 0 mismatched.\n"


def test_verify_certificates_reads_the_bucket_when_files_live_on_s3(use_s3):
    intact = CertificateFactory()
    tampered = CertificateFactory()
    use_s3.put_object(Bucket=S3_BUCKET, Key=tampered.file.name, Body=b"%PDF-1.7\n% replaced\n")

    lines, error = _verify()

    assert intact.file.storage.exists(intact.file.name) is True
    assert lines == [f"mismatch: cpd.Certificate {tampered.pk} {tampered.file.name}"]
    assert error == "Checked 2 files: 1 ok, 0 missing, 1 mismatched."
