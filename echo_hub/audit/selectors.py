from datetime import datetime

from django.db.models import QuerySet

from .models import AuditEvent


def events(
    *,
    program=None,
    action: str = "",
    actor: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, optionally of one program; `end` is exclusive."""
    queryset = AuditEvent.objects.select_related("program")
    if program is not None:
        queryset = queryset.filter(program=program)
    if action:
        queryset = queryset.filter(action=action)
    if actor:
        queryset = queryset.filter(actor_email__icontains=actor)
    if start:
        queryset = queryset.filter(at__gte=start)
    if end:
        queryset = queryset.filter(at__lt=end)
    return queryset.order_by("-at", "-pk")
