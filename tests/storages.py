"""File storages that fail the way a disk or a bucket does, set through settings.STORAGES: the
code under test runs unchanged (the real WeasyPrint render, the real service) and meets the
fault where production would, when it stores the PDF."""

import errno
import os
import time
from pathlib import Path

from django.core.files.storage import FileSystemStorage

NO_SPACE = f"OSError: [Errno {errno.ENOSPC}] {os.strerror(errno.ENOSPC)}"


class FullDiskStorage(FileSystemStorage):
    """A disk with no space left: every save fails, nothing is written."""

    def _save(self, name, content):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class StallingStorage(FileSystemStorage):
    """The first save hangs, as a stalled network disk does, after writing the pid of the
    process saving to the file named by FAULTS_STALL_MARKER (the test kills that process)."""

    def _save(self, name, content):
        marker = os.environ.get("FAULTS_STALL_MARKER", "")
        if marker and not os.path.exists(marker):
            Path(marker).write_text(str(os.getpid()))
            time.sleep(120)
        return super()._save(name, content)


class FullDisk:
    """The default storage swapped for a full disk through the `settings` fixture, until
    `free()` puts the working one back."""

    def __init__(self, settings) -> None:
        self._settings = settings
        self._working = settings.STORAGES
        settings.STORAGES = {**self._working, "default": {"BACKEND": "tests.storages.FullDiskStorage"}}

    def free(self) -> None:
        self._settings.STORAGES = self._working
