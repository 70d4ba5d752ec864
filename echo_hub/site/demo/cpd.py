"""Demo attendance, evaluations and certificates, made through the real services."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from cpd import services as cpd_services
from sessions import attendance
from sessions.models import Attendance, Enrollment, Program, Session

EVALUATION = {
    "relevance": 5,
    "quality": 4,
    "objectives_met": "yes",
    "commitment_to_change": "Offer a naloxone kit to every patient above 50 MME and review tapering plans monthly.",
    "comments": "The case discussion was the most useful part.",
}


def seed_demo_cpd(*, program: Program, coordinator, participant, spoke=None) -> None:
    """Attendance and evaluations of the past sessions; certificates for the participant (a nurse
    practitioner: hours of attendance) and the spoke (a family physician: Mainpro+ credits)."""
    past = list(
        Session.objects.filter(
            program=program, ends_at__lt=timezone.now(), status=Session.Status.SCHEDULED
        ).order_by("starts_at")
    )
    members = [
        e.user
        for e in Enrollment.objects.filter(
            program=program, status=Enrollment.Status.APPROVED, role="participant"
        )
        .select_related("user")
        .order_by("user__email")
    ]
    for number, session in enumerate(past):
        session.accreditation_id = f"{240_117_000 + number:09d}"
        session.save(update_fields=["accreditation_id"])
        for index, user in enumerate(members):
            # Most people attend most weeks; a few leave early or miss one.
            if (index + number) % 5 == 4:
                continue
            minutes = session.duration_minutes if (index + number) % 4 else session.duration_minutes * 3 // 5
            attendance.adjust_attendance(
                session=session, user=user, minutes=minutes, reason="Demo attendance", by=coordinator
            )
            if user in (participant, spoke) or (index + number) % 3:
                cpd_services.submit_evaluation(session=session, user=user, fields=EVALUATION)
    for session in past[:3]:
        for holder in (participant, spoke):
            if holder is None or not Attendance.objects.filter(session=session, user=holder).exists():
                continue
            try:
                cpd_services.issue_session_certificate(user=holder, session=session)
            except ValidationError:  # the rule gives no credit for this session
                continue
