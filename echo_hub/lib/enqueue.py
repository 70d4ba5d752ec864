"""Hand Celery tasks to the broker by their registered name, once the caller's transaction
has committed. Services enqueue through here, so they never import their app's tasks module
(tasks import services, never the reverse). A broker that is down never fails the caller:
the row the task works on is saved, and a beat sweep hands it over again."""

import logging
from collections.abc import Iterable, Mapping

from celery import Task, current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def _task(name: str) -> Task:
    """The task registered as `name`. Only a worker imports the tasks modules when it starts:
    elsewhere (the web, eager mode) they are imported on first use. LookupError for a name
    that no tasks module registers: a typo must fail loudly, not wait for a sweep."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    try:
        return current_app.tasks[name]
    except KeyError:
        raise LookupError(f"No Celery task is registered as {name!r}.") from None


def _send(task: Task, kwargs: Mapping) -> bool:
    try:
        # In eager mode (tests, a laptop without Redis) this runs the task here and now.
        task.delay(**kwargs)
    except Exception as exc:
        logger.warning(
            "Could not enqueue %s %s (%s); the sweep will hand it over again.",
            task.name,
            dict(kwargs),
            type(exc).__name__,
        )
        return False
    return True


def _send_each(task: Task, kwargs_list: list[Mapping]) -> int:
    for sent, kwargs in enumerate(kwargs_list):
        # Each try at a dead broker waits for it: stop at the first, the sweep sends the rest.
        if not _send(task, kwargs):
            return sent
    return len(kwargs_list)


def enqueue_each(task_name: str, kwargs_list: Iterable[Mapping]) -> int:
    """Hand one task per kwargs to the broker now, in order, stopping at the first the
    broker refuses. Returns how many it took. For sweeps, which run outside transactions."""
    return _send_each(_task(task_name), list(kwargs_list))


def enqueue_on_commit(task_name: str, **kwargs) -> None:
    """Hand the task to the broker once the current transaction commits (at once outside
    one); nothing if it rolls back. Pass ids, never model instances."""
    task = _task(task_name)
    transaction.on_commit(lambda: _send(task, kwargs))


def enqueue_each_on_commit(task_name: str, kwargs_list: Iterable[Mapping]) -> None:
    """enqueue_each, once the current transaction commits."""
    task, kwargs_list = _task(task_name), list(kwargs_list)
    if kwargs_list:
        transaction.on_commit(lambda: _send_each(task, kwargs_list))
