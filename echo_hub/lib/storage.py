"""Private files (letters, certificates) leave storage only through this response, after
the view has checked who may read them. It streams from whatever storage is configured,
local disk or a private bucket, so no storage URL is ever handed to the browser."""

from typing import BinaryIO

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def private_file_response(
    fieldfile: FieldFile, *, filename: str, content_type: str = "application/pdf"
) -> FileResponse:
    return private_stream_response(fieldfile.open("rb"), filename=filename, content_type=content_type)


def private_stream_response(stream: BinaryIO, *, filename: str, content_type: str) -> FileResponse:
    """A download built in the request (a data export): the same headers as a stored file.
    The response closes the stream once it is sent."""
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
