"""Session materials: the didactic's slides (a private PDF) and links to its recording and references."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext
from pypdf import PdfReader

from .models import Session, SessionMaterial

PDF_MAGIC = b"%PDF-"


def _megabytes(size: int) -> str:
    return gettext("%(size)s MB") % {"size": f"{size / (1024 * 1024):.0f}"}


def check_slides_pdf(upload: UploadedFile) -> None:
    """Refuse anything but a readable PDF within SLIDES_MAX_BYTES; a renamed file is caught by its bytes."""
    if upload.size > settings.SLIDES_MAX_BYTES:
        raise ValidationError(
            {
                "file": gettext("This file is larger than %(size)s. Export a smaller PDF.")
                % {"size": _megabytes(settings.SLIDES_MAX_BYTES)}
            }
        )
    not_a_pdf = ValidationError(
        {"file": gettext("This file is not a PDF. Save or export your slides as PDF, then upload that file.")}
    )
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise not_a_pdf
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    # pypdf signals a damaged file with many exception types; any of them means "not readable".
    except Exception as exc:
        raise not_a_pdf from exc
    finally:
        upload.seek(0)
    if encrypted:
        raise ValidationError(
            {"file": gettext("This PDF is password-protected. Upload a copy without a password.")}
        )
    if pages == 0:
        raise not_a_pdf


@transaction.atomic
def add_slides(*, session: Session, title: str, upload: UploadedFile, uploaded_by) -> SessionMaterial:
    check_slides_pdf(upload)
    upload.name = f"session-{session.pk}.pdf"
    material = SessionMaterial(
        session=session, kind=SessionMaterial.Kind.SLIDES, title=title, uploaded_by=uploaded_by
    )
    material.file.save(upload.name, upload, save=False)
    material.save()
    return material


@transaction.atomic
def add_link(*, session: Session, kind: str, title: str, url: str, uploaded_by) -> SessionMaterial:
    if kind not in (SessionMaterial.Kind.RECORDING, SessionMaterial.Kind.REFERENCE):
        raise ValidationError({"kind": gettext("Choose a recording or a reference.")})
    if not url.startswith("https://"):
        raise ValidationError({"url": gettext("Use a secure link that starts with https://.")})
    return SessionMaterial.objects.create(
        session=session, kind=kind, title=title, url=url, uploaded_by=uploaded_by
    )


def remove_material(*, material: SessionMaterial) -> None:
    """Delete the row, then its stored PDF once the deletion is committed; removing twice is harmless."""
    file = material.file
    with transaction.atomic():
        deleted, _ = SessionMaterial.objects.filter(pk=material.pk).delete()
    if deleted and file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: storage.delete(name))
