"""Documents a worker renders to PDF after commit (certificates, recommendation letters),
tried again the same way for each kind.

The row counts its tries and holds the time the next one is due, so a Redis flush loses
nothing. A try is counted before it starts (a worker killed in the middle used one too); the
beat sweep hands over every render that is due, each wait twice the one before; after the
last try the row is FAILED, and stays so until a person presses Retry on the program's
pages, where the error is explained in plain words."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .enqueue import enqueue_each, enqueue_each_on_commit

logger = logging.getLogger(__name__)

MAX_RENDER_ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=5)
SWEEP_BATCH = 200
STOPPED = "Stopped: the last try did not finish."

_PROBLEMS = {
    "Stopped": "The last try stopped before it finished: the server restarted, or the PDF took too long.",
    "SoftTimeLimitExceeded": "Making the PDF took too long.",
    "TimeLimitExceeded": "Making the PDF took too long.",
    "TimeoutError": "Making the PDF took too long.",
    "OSError": "A file the PDF needs could not be read or saved (a font, the logo, or the file storage).",
    "FileNotFoundError": "A file the PDF needs is missing (a font, the logo, or a stored file).",
    "PermissionError": "The server may not read or save a file the PDF needs.",
    "ConnectionError": "The file storage could not be reached to save the PDF.",
}
_UNKNOWN = "Something in this document stopped the PDF from being made."


def wait_after(attempts: int) -> timedelta:
    """How long after try number `attempts` starts the next one is due: 5, 10, 20, 40 minutes."""
    return FIRST_WAIT * 2 ** (attempts - 1)


def explain_render_error(last_error: str) -> str:
    """The stored error ("OSError: cannot load font") as a coordinator would say it."""
    return _PROBLEMS.get(last_error.split(":", 1)[0].strip(), _UNKNOWN)


@dataclass(frozen=True)
class Renders:
    """One kind of rendered document. Its model has `render_attempts`, `next_render_at` and
    `last_error`, a status field with a waiting and a failed value, and a creation time."""

    model: type[models.Model]
    status_field: str
    waiting: str
    failed: str
    created_field: str
    task_name: str
    id_name: str

    def _status(self, value: str) -> dict:
        return {self.status_field: value}

    def enqueue(self, *pks: int) -> None:
        """Render these documents once the transaction commits."""
        enqueue_each_on_commit(self.task_name, [{self.id_name: pk} for pk in pks])

    def restart(self, pk: int, *, failed_only: bool = False) -> bool:
        """Render again, with a fresh set of tries, once the transaction commits. With
        failed_only (a person's Retry), only a document whose tries ran out. True if it will."""
        rows = self.model.objects.filter(pk=pk)
        if failed_only:
            rows = rows.filter(**self._status(self.failed))
        restarted = rows.update(
            **self._status(self.waiting), render_attempts=0, next_render_at=timezone.now() + FIRST_WAIT
        )
        if restarted:
            self.enqueue(pk)
        return restarted == 1

    def _give_up(self, pks: list[int], error: str | None = None) -> None:
        rows = self.model.objects.filter(pk__in=pks, **self._status(self.waiting))
        if error is None:
            rows.filter(last_error="").update(last_error=STOPPED)
            rows.update(**self._status(self.failed), next_render_at=None)
        else:
            rows.update(**self._status(self.failed), next_render_at=None, last_error=error)

    def _claim(self, pk: int) -> bool:
        """Count the try about to start. False when the document is not waiting for one, or
        when its tries ran out (a worker died in the last one): it is then marked failed."""
        with transaction.atomic():
            attempts = (
                self.model.objects.select_for_update()
                .filter(pk=pk, **self._status(self.waiting))
                .values_list("render_attempts", flat=True)
                .first()
            )
            if attempts is None:
                return False
            if attempts >= MAX_RENDER_ATTEMPTS:
                self._give_up([pk])
                return False
            self.model.objects.filter(pk=pk).update(
                render_attempts=attempts + 1, next_render_at=timezone.now() + wait_after(attempts + 1)
            )
        return True

    def _fail(self, pk: int, exc: Exception) -> bool:
        """Keep why the try failed; after the last one, give up. True when it gave up."""
        error = f"{type(exc).__name__}: {exc}"[:2000]
        attempts = self.model.objects.filter(pk=pk).values_list("render_attempts", flat=True).first()
        if attempts is not None and attempts >= MAX_RENDER_ATTEMPTS:
            self._give_up([pk], error)
            return True
        self.model.objects.filter(pk=pk).update(last_error=error)
        return False

    def run(self, pk: int, render: Callable[[], bool]) -> bool:
        """One try of the render task. A failure is kept on the row for the sweep and the
        coordinator, not raised: the row, not Celery, decides when to try again."""
        if not self._claim(pk):
            logger.info("%s %s is not waiting to be rendered.", self.model.__name__, pk)
            return False
        try:
            return render()
        except Exception as exc:
            gave_up = self._fail(pk, exc)
            logger.log(
                logging.ERROR if gave_up else logging.WARNING,
                "Rendering %s %s failed (%s)%s.",
                self.model.__name__,
                pk,
                type(exc).__name__,
                ": no tries left, it waits for a person" if gave_up else "; the sweep tries again",
            )
            return False

    def sweep(self, now: datetime | None = None) -> list[int]:
        """Hand over every render that is due (a retry whose time has come, or one a dead
        broker or worker left behind); mark failed those whose last try never finished.
        Returns the ids handed over."""
        now = now or timezone.now()
        due = self.model.objects.filter(**self._status(self.waiting)).filter(
            Q(next_render_at__lte=now)
            | Q(next_render_at=None, **{f"{self.created_field}__lt": now - FIRST_WAIT})
        )
        spent = list(
            due.filter(render_attempts__gte=MAX_RENDER_ATTEMPTS).values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if spent:
            self._give_up(spent)
        ids = list(
            due.filter(render_attempts__lt=MAX_RENDER_ATTEMPTS)
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        enqueue_each(self.task_name, [{self.id_name: pk} for pk in ids])
        return ids
