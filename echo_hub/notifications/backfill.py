"""Fill Notification.scope on messages written before it existed. The apps' data migrations
call these: each app knows its own object keys ("session:12:…", "case:7"), the outbox none."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

CHUNK = 500


def _chunks(values: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _update(notification_model, rows_by_scope: dict[str, list[int]]) -> int:
    updated = 0
    for scope, pks in rows_by_scope.items():
        for chunk in _chunks(pks):
            updated += notification_model.objects.filter(pk__in=chunk).update(scope=scope)
    return updated


def scope_by_object_key(
    notification_model, prefix: str, scopes_of: Callable[[Sequence[int]], dict[int, str]]
) -> int:
    """Scope every message whose object_key reads "<prefix>:<id>…" as `scopes_of` says for
    that object (ids in, {id: scope} out; an object gone leaves the message as it is).
    Returns how many messages it scoped."""
    object_of = {}
    keyed = notification_model.objects.filter(object_key__startswith=f"{prefix}:")
    for pk, key in keyed.values_list("pk", "object_key").iterator():
        object_id = key.split(":")[1]
        if object_id.isdigit():
            object_of[pk] = int(object_id)
    scopes = {}
    for chunk in _chunks(sorted(set(object_of.values()))):
        scopes.update(scopes_of(chunk))
    rows_by_scope = defaultdict(list)
    for pk, object_id in object_of.items():
        if object_id in scopes:
            rows_by_scope[scopes[object_id]].append(pk)
    return _update(notification_model, rows_by_scope)


def scope_unscoped_by_recipient(notification_model, scope_of_user: dict[int, str]) -> int:
    """Scope the messages still without one by their recipient's scope (a person in one
    program only). Returns how many messages it scoped."""
    users_by_scope = defaultdict(list)
    for user_id, scope in scope_of_user.items():
        users_by_scope[scope].append(user_id)
    updated = 0
    for scope, users in users_by_scope.items():
        for chunk in _chunks(users):
            updated += notification_model.objects.filter(scope="", user_id__in=chunk).update(scope=scope)
    return updated
