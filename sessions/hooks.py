"""Where an app above sessions (a video platform integration) reacts to schedule and
membership changes. Sessions never imports those apps: they register here in their
AppConfig.ready, and the services call `sessions_changed` / `membership_changed` inside their
transaction. A listener must only enqueue work after commit, never write rows or call out."""

from collections.abc import Callable, Iterable

SessionsListener = Callable[[list[int]], None]
MembershipListener = Callable[[int, int], None]
# (session, viewer's role) -> notices for the session page: (message, link, link label)
NoticeProvider = Callable[[object, str | None], list[tuple[str, str, str]]]

_session_listeners: list[SessionsListener] = []
_membership_listeners: list[MembershipListener] = []
_notice_providers: list[NoticeProvider] = []


def _add(registry: list, fn) -> None:
    if fn not in registry:
        registry.append(fn)


def on_sessions_changed(fn: SessionsListener) -> SessionsListener:
    _add(_session_listeners, fn)
    return fn


def on_membership_changed(fn: MembershipListener) -> MembershipListener:
    _add(_membership_listeners, fn)
    return fn


def on_session_notices(fn: NoticeProvider) -> NoticeProvider:
    _add(_notice_providers, fn)
    return fn


def sessions_changed(session_ids: Iterable[int]) -> None:
    """Sessions were scheduled, moved, retitled, edited or cancelled."""
    ids = sorted({pk for pk in session_ids if pk is not None})
    if ids:
        for fn in _session_listeners:
            fn(ids)


def membership_changed(*, program_id: int, user_id: int) -> None:
    """A person became an approved member of a program, or stopped being one."""
    for fn in _membership_listeners:
        fn(program_id, user_id)


def session_notices(session, role: str | None) -> list[tuple[str, str, str]]:
    return [notice for fn in _notice_providers for notice in fn(session, role)]
