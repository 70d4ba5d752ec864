"""Who reads the trail: a program's coordinators read its events (sessions.permissions
decides that); the whole trail is for superusers alone."""

from django.http import Http404


def require_site_auditor(user) -> None:
    if not user.is_superuser:
        raise Http404("No such page.")
