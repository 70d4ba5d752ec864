from django.apps import AppConfig


class ZoomConfig(AppConfig):
    name = "zoom"
    verbose_name = "Zoom"

    def ready(self) -> None:
        from sessions import hooks

        from . import reactions

        hooks.on_sessions_changed(reactions.sessions_changed)
        hooks.on_membership_changed(reactions.membership_changed)
        hooks.on_session_notices(reactions.session_notices)
