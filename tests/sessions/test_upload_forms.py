"""Each upload form checks the file's size before reading any of it, then reads it in chunks."""

from django.core.files.uploadedfile import SimpleUploadedFile

from sessions.attendance_forms import ReportUploadForm
from sessions.forms import RosterUploadForm


class CountingUpload(SimpleUploadedFile):
    bytes_read = 0

    def read(self, *args):
        data = self.file.read(*args)
        self.bytes_read += len(data)
        return data


def test_roster_form_refuses_a_file_over_1_mb_without_reading_it():
    upload = CountingUpload("roster.csv", b"email,full_name,profession,organization\n" + b"x" * 1_000_000)

    form = RosterUploadForm(data={}, files={"file": upload})

    assert form.errors == {"file": ["The file is larger than 1 MB. Split the roster into smaller files."]}
    assert upload.bytes_read == 0


def test_report_form_refuses_a_file_over_2_mb_without_reading_it():
    upload = CountingUpload("participants.csv", b"Name,Duration (Minutes)\n" + b"x" * 2_000_000)

    form = ReportUploadForm(data={}, files={"file": upload})

    assert form.errors == {
        "file": [
            "The file is larger than 2 MB. A Zoom participants export is far smaller; "
            "check that you picked the right file."
        ]
    }
    assert upload.bytes_read == 0


def test_report_form_gives_the_decoded_text_and_keeps_the_file_name():
    upload = SimpleUploadedFile("participants.csv", "Name,Duration (Minutes)\nHélène,60\n".encode())

    form = ReportUploadForm(data={}, files={"file": upload})

    assert form.is_valid()
    assert (form.cleaned_data["file"], form.filename) == (
        "Name,Duration (Minutes)\nHélène,60\n",
        "participants.csv",
    )
