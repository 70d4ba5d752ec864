"""Writing the audit trail. `record` is the only verb: events are never changed.

Callers pass the request when they have it (views, auth signals); services deep in a
request do not need to: the request being served is in `observability.current_request`
(set by the request middleware), and its client address, user agent and path are taken
from there. Outside a request (Celery, management commands) those stay empty."""

from collections.abc import Callable, Mapping
from decimal import Decimal

from django.http import Http404, HttpRequest

from echo_hub.lib.client import client_ip
from echo_hub.lib.observability import current_request, redact, request_id

from .models import AuditEvent

Action = AuditEvent.Action

MAX_EXTRA_TEXT = 60
_PROGRAM = "echo_sessions.program"
# Apps name their own objects (from their AppConfig.ready): the trail knows no app's models.
_CUSTOM_LABELS: dict[str, Callable[[object], str]] = {}


def register_label(object_type: str, label: Callable[[object], str]) -> None:
    """How events name objects of `object_type` ("cpd.certificate"), from the object itself;
    never from its content, only from ids or public codes."""
    _CUSTOM_LABELS[object_type] = label


def object_label(object_type: str, object_id, obj=None) -> str:
    """A short name made of the object's type and id only, never of its content."""
    if obj is not None and object_type in _CUSTOM_LABELS:
        return _CUSTOM_LABELS[object_type](obj)
    noun = object_type.rpartition(".")[2].replace("_", " ").capitalize() or "Object"
    return f"{noun} #{object_id}" if object_id is not None else noun


def _clean_extra(extra: Mapping | None) -> dict:
    """Only short scalar facts: a guard against free text slipping into the trail."""
    clean = {}
    for key, value in (extra or {}).items():
        if isinstance(value, Decimal):
            value = str(value)
        if value is not None and not isinstance(value, bool | int | float | str):
            raise TypeError(f"Audit extra {key!r} must be a number, a flag or a short word.")
        if isinstance(value, str) and len(value) > MAX_EXTRA_TEXT:
            raise ValueError(f"Audit extra {key!r} is longer than {MAX_EXTRA_TEXT} characters.")
        clean[str(key)] = value
    return clean


def changes_extra(instance, changes: Mapping[str, object], *, shown: tuple[str, ...] = ()) -> dict:
    """What an edit changed, for `extra`: "old → new" for numbers, flags, dates, choices and the
    fields named in `shown`; only "changed" for free text, which must not reach the trail."""
    extra = {}
    for name, new in changes.items():
        field = instance._meta.get_field(name)
        old = getattr(instance, name)
        is_text = field.get_internal_type() in {"CharField", "TextField"} and not field.choices
        pair = f"{_short(old)} → {_short(new)}"
        extra[name] = pair if (name in shown or not is_text) and len(pair) <= MAX_EXTRA_TEXT else "changed"
    return extra


def _short(value) -> str:
    if value is None or value == "":
        return "none"
    if hasattr(value, "pk"):
        return f"#{value.pk}"
    return str(value)


def _request_facts(request: HttpRequest | None) -> dict:
    request = request or current_request.get()
    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        "path": redact(request.path)[:200],
    }


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _event(
    action: str,
    *,
    actor=None,
    actor_email: str = "",
    obj=None,
    object_type: str = "",
    object_id: int | None = None,
    program=None,
    request: HttpRequest | None = None,
    extra: Mapping | None = None,
    facts: dict | None = None,
) -> AuditEvent:
    actor = _actor(actor)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    if program is None and obj is not None:
        program = obj if object_type == _PROGRAM else getattr(obj, "program_id", None)
    return AuditEvent(
        action=action,
        actor=actor,
        actor_email=(actor.email if actor is not None else actor_email)[:254],
        program_id=getattr(program, "pk", program),
        object_type=object_type,
        object_id=object_id,
        object_label=object_label(object_type, object_id, obj) if object_type else "",
        request_id=(request_id.get() or "")[:100],
        extra=_clean_extra(extra),
        **(facts if facts is not None else _request_facts(request)),
    )


def record(action: str, **details) -> AuditEvent:
    """Write one event. `obj` is the model instance acted on; when it was never loaded (a
    denied request), pass its `object_type` ("cases.case") and `object_id` instead. The
    program defaults to the object's own `program_id`. See `_event` for every detail."""
    event = _event(action, **details)
    event.save()
    return event


def record_many(action: str, objects, *, actor=None, program=None, extra_of=None) -> list[AuditEvent]:
    """One event per object in a single INSERT (a bulk issue of a thousand certificates);
    `extra_of(obj)` gives each event's facts."""
    facts = _request_facts(None)
    events = [
        _event(
            action,
            actor=actor,
            obj=obj,
            program=program,
            extra=extra_of(obj) if extra_of else None,
            facts=facts,
        )
        for obj in objects
    ]
    return AuditEvent.objects.bulk_create(events, batch_size=500)


def denied(exc: Exception, *, user, **target) -> Exception:
    """Record that `user` was refused an object, then hand back `exc` for the caller to
    raise. One INSERT and no reads; anonymous visitors (public pages) are not recorded."""
    if _actor(user) is not None:
        status = 404 if isinstance(exc, Http404) else 403
        record(Action.ACCESS_DENIED, actor=user, extra={"status": status}, **target)
    return exc
