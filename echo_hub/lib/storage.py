"""Private files (letters, certificates) leave storage only through this response, after
the view has checked who may read them. It streams from whatever storage is configured,
local disk or a private bucket, so no storage URL is ever handed to the browser."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def private_file_response(
    fieldfile: FieldFile, *, filename: str, content_type: str = "application/pdf"
) -> FileResponse:
    response = FileResponse(
        fieldfile.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
