"""Uploaded files: one cap for every file while it arrives, and reading a small one whole only
after its size is known to fit."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooBig(RequestDataTooBig):
    """A file over FILE_UPLOAD_MAX_BYTES: the request ends with the 413 page, which names the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"An uploaded file is larger than {limit} bytes.")
        self.limit = limit


class UploadLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS. Django keeps no limit on files (DATA_UPLOAD_MAX_MEMORY_SIZE
    counts form fields only) and spools any size to disk: this refuses a body that cannot hold
    an allowed file before reading it, and stops at the first chunk that takes a file over
    FILE_UPLOAD_MAX_BYTES, so nobody fills the disk or holds a worker with a huge upload."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.FILE_UPLOAD_MAX_BYTES
        if content_length > limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise UploadTooBig(limit)
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.FILE_UPLOAD_MAX_BYTES:
            raise UploadTooBig(settings.FILE_UPLOAD_MAX_BYTES)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def read_upload(upload: UploadedFile, *, max_bytes: int, too_big: str) -> bytes:
    """The bytes of a file small enough to parse in memory (a CSV). Refused by its size before
    anything is read, and read in chunks that stop once past the limit."""
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(too_big, code="too_big")
    data = bytearray()
    for chunk in upload.chunks():
        data += chunk
        if len(data) > max_bytes:
            raise ValidationError(too_big, code="too_big")
    return bytes(data)
