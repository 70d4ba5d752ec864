"""Case messages the beat sweep finds due: the presenter's reminder three days before,
and overdue recommendations to the program's experts and coordinators."""

from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import Message, queue_many
from sessions.models import Enrollment, MemberJoinLink, Role, program_scope

from .models import Case, CaseSlot
from .selectors import overdue_letters_for_programs

PRESENTER_NOTICE = timedelta(days=3)


def send_due_case_reminders(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    slots = CaseSlot.objects.filter(
        case__status=Case.Status.SCHEDULED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + PRESENTER_NOTICE,
        session__status="scheduled",
    ).select_related("case", "case__presenter", "case__program", "session", "session__program")
    # A presenter registered with the video platform joins by their own link (Zoom names them).
    own = MemberJoinLink.objects.filter(session=OuterRef("session"), user=OuterRef("case__presenter"))
    slots = slots.annotate(own_join_url=Subquery(own.values("url")[:1]))
    messages = [
        Message(
            email=slot.case.presenter.email,
            user=slot.case.presenter,
            kind="case_presenter_reminder",
            object_key=f"case:{slot.case_id}:session:{slot.session_id}",
            template="case_presenter_reminder",
            context={
                "case": slot.case,
                "session": slot.session,
                "join_url": slot.own_join_url or slot.session.join_url,
                "case_url": absolute_url("cases:detail", pk=slot.case_id),
            },
            scope=program_scope(slot.case.program_id),
        )
        for slot in slots
    ]
    return queue_many(messages) + _send_overdue()


def _send_overdue() -> int:
    overdue = list(overdue_letters_for_programs().select_related("program", "slot__session"))
    if not overdue:
        return 0
    hub = Enrollment.objects.filter(
        program__in={c.program_id for c in overdue},
        status=Enrollment.Status.APPROVED,
        role__in=[Role.EXPERT, Role.COORDINATOR],
    ).select_related("user")
    by_program: dict[int, list] = {}
    for enrollment in hub:
        by_program.setdefault(enrollment.program_id, []).append(enrollment.user)
    messages = [
        Message(
            email=user.email,
            user=user,
            kind="overdue_recommendations",
            object_key=f"case:{case.pk}",
            template="overdue_recommendations",
            context={
                "case": case,
                "session": case.slot.session,
                "case_url": absolute_url("cases:detail", pk=case.pk),
            },
            scope=program_scope(case.program_id),
        )
        for case in overdue
        for user in by_program.get(case.program_id, [])
    ]
    return queue_many(messages)
