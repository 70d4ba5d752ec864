"""Demo attendance, evaluations and certificates, made through the real services: a Zoom
participant report for each past session but the last, whose Join clicks are still provisional
attendance for the coordinator to confirm."""

import csv
import io
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from cpd import services as cpd_services
from sessions import attendance, participant_report
from sessions.models import Attendance, Enrollment, Program, Session
from sessions.zoom import ZoomReport, parse_zoom_report

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
        # Most people attend most weeks; a few leave early or miss one.
        present = [(i, user) for i, user in enumerate(members) if (i + number) % 5 != 4]
        if session == past[-1]:
            for index, user in present:
                joined = session.starts_at - timedelta(minutes=index % 4) + timedelta(minutes=index % 3)
                attendance.record_join(session=session, user=user, now=joined)
            attendance.record_provisional_attendance(session=session)
        else:
            people = [
                (user, session.duration_minutes if (i + number) % 4 else session.duration_minutes * 3 // 5)
                for i, user in present
            ]
            participant_report.import_report(
                session=session,
                report=_report(session, people),
                chosen={},
                by=coordinator,
                filename=REPORT_NAME,
            )
        for index, user in present:
            if user in (participant, spoke) or (index + number) % 3:
                # As each did the day after, while the evaluation was open.
                cpd_services.submit_evaluation(
                    session=session, user=user, fields=EVALUATION, now=session.ends_at + timedelta(days=1)
                )
    for session in past[:3]:
        for holder in (participant, spoke):
            if holder is None or not Attendance.objects.filter(session=session, user=holder).exists():
                continue
            try:
                cpd_services.issue_session_certificate(user=holder, session=session)
            except ValidationError:  # the rule gives no credit for this session
                continue


REPORT_NAME = "zoom-participants.csv"
_HEADER = ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"]


def _report(session: Session, people: list[tuple[object, int]]) -> ZoomReport:
    """Zoom's participants export: everyone opens the meeting two minutes early (not counted)
    and stays `minutes` into the session; every third person also dials in by phone."""
    zone = session.program.zone
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_HEADER)

    def row(name: str, email: str, joined, left) -> None:
        minutes = int((left - joined).total_seconds() // 60)
        times = [f"{t.astimezone(zone):%m/%d/%Y %I:%M:%S %p}" for t in (joined, left)]
        writer.writerow([name, email, *times, minutes, "No"])

    for index, (user, minutes) in enumerate(people):
        joined, left = (
            session.starts_at - timedelta(minutes=2),
            session.starts_at + timedelta(minutes=minutes),
        )
        row(user.full_name, user.email, joined, left)
        if index % 3 == 0:
            row(f"{user.full_name} (phone)", user.email, joined + timedelta(minutes=10), left)
    return parse_zoom_report(out.getvalue(), zone=zone)
