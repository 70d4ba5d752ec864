"""What an attachment may be: a PDF, PNG or JPEG, known by its first bytes (never by the name
or the type the browser declares), and no larger than ATTACHMENT_MAX_BYTES."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


def attachment_kind(upload) -> tuple[str, str]:
    """The content type and extension of an uploaded file, or ValidationError saying why not."""
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("Attach a file of at most %(max)s MB (this one is %(size)s MB).")
            % {"max": ATTACHMENT_MAX_BYTES // (1024 * 1024), "size": round(upload.size / (1024 * 1024), 1)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise ValidationError(_("Attach a PDF or an image (PNG or JPEG): this file is neither."))
