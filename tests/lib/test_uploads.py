import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from echo_hub.lib.uploads import UploadLimitHandler, UploadTooBig, read_upload

TOO_BIG = "The file is larger than 1 kB."


class CountingUpload(SimpleUploadedFile):
    """An upload that counts the bytes read from it."""

    bytes_read = 0

    def read(self, *args):
        data = self.file.read(*args)
        self.bytes_read += len(data)
        return data


def test_read_upload_refuses_by_size_before_reading_a_byte():
    upload = CountingUpload("big.csv", b"x" * 1_001)

    with pytest.raises(ValidationError) as caught:
        read_upload(upload, max_bytes=1_000, too_big=TOO_BIG)

    assert caught.value.messages == [TOO_BIG]
    assert upload.bytes_read == 0


class CountingFileOnDisk(TemporaryUploadedFile):
    bytes_read = 0

    def read(self, *args):
        data = self.file.read(*args)
        self.bytes_read += len(data)
        return data


def test_read_upload_of_a_file_on_disk_stops_at_the_limit_when_its_size_was_wrong():
    upload = CountingFileOnDisk("big.csv", "text/csv", 10, None)
    upload.write(b"x" * 200_000)

    with pytest.raises(ValidationError) as caught:
        read_upload(upload, max_bytes=70_000, too_big=TOO_BIG)

    upload.close()
    assert caught.value.messages == [TOO_BIG]
    assert upload.bytes_read == 131_072  # two chunks of 64 kB, then it stopped


def test_read_upload_returns_a_file_within_the_limit_whole():
    upload = CountingUpload("roster.csv", b"email,full_name\n")

    assert read_upload(upload, max_bytes=1_000, too_big=TOO_BIG) == b"email,full_name\n"


def test_upload_limit_handler_refuses_a_body_larger_than_any_upload_before_reading(settings):
    settings.FILE_UPLOAD_MAX_BYTES = 10_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000

    handler = UploadLimitHandler()

    assert handler.handle_raw_input(None, {}, 12_000, b"boundary") is None
    with pytest.raises(UploadTooBig) as caught:
        handler.handle_raw_input(None, {}, 12_001, b"boundary")
    assert caught.value.limit == 10_000
