"""A hub at the size of the page-mix benchmark, built with bulk inserts in seconds: the demo
program (seed_demo: its people, credit types, cases and certificates) grown to 5,000
participants and 400 weekly sessions, half of them held, each held session attended by some
thirty sites, with up to two presented cases on its agenda, and the people the benchmark signs
in as: participants, hub experts and coordinators in the proportions of a real hub."""

import copy
import os
from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from cases.models import Case, CaseSlot
from echo_hub.accounts.models import User
from sessions.models import Attendance, Cycle, Enrollment, Program, Role, Session

PARTICIPANTS = 5_000
SESSIONS = 400
ATTENDEES_PER_SESSION = 30
CASES_PER_SESSION = 2
WEEKS_PER_CYCLE = 16
PROGRAM_SLUG = "chronic-pain-opioid-stewardship"


@dataclass
class Hub:
    program: Program
    participants: list[User]
    experts: list[User]
    coordinators: list[User]
    held: list[Session]
    upcoming: list[Session]
    cases: list[Case]


def _sessions(program: Program, expert: User, wanted: int) -> None:
    """Weekly sessions around the demo's own: the earlier ones held, the later ones to come."""
    have = list(program.sessions.order_by("starts_at"))
    missing = wanted - len(have)
    before, after = missing // 2, missing - missing // 2
    first, last = have[0].starts_at, have[-1].starts_at
    slots = [first - timedelta(weeks=n) for n in range(before, 0, -1)]
    slots += [last + timedelta(weeks=n) for n in range(1, after + 1)]
    cycles = Cycle.objects.bulk_create(
        [
            Cycle(
                program=program,
                name=f"Bench cycle {n + 1}",
                start_date=slots[i].astimezone(program.zone).date(),
                end_date=slots[min(i + WEEKS_PER_CYCLE, len(slots)) - 1].astimezone(program.zone).date(),
            )
            for n, i in enumerate(range(0, len(slots), WEEKS_PER_CYCLE))
        ]
    )
    duration = have[0].ends_at - have[0].starts_at
    Session.objects.bulk_create(
        [
            Session(
                program=program,
                cycle=cycles[i // WEEKS_PER_CYCLE],
                number=i % WEEKS_PER_CYCLE + 1,
                title=f"Session {i % WEEKS_PER_CYCLE + 1}",
                didactic_topic=have[i % len(have)].didactic_topic or "Opioid tapering",
                presenter=expert,
                learning_objectives=have[0].learning_objectives,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                join_url=program.default_join_url,
            )
            for i, starts_at in enumerate(slots)
        ],
        batch_size=500,
    )


def _promote(program: Program, users: list[User], role: str) -> None:
    Enrollment.objects.filter(program=program, user__in=users).update(role=role)


def _attendance(held: list[Session], participants: list[User]) -> None:
    rows, n = [], len(participants)
    for s, session in enumerate(held):
        minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
        for a in range(ATTENDEES_PER_SESSION):
            user = participants[(s * 7 + a * 13) % n]
            rows.append(
                Attendance(
                    session=session, user=user, minutes=minutes - a % 20, source="report", verified=True
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=2_000, ignore_conflicts=True)


def _cases(program: Program, sessions: list[Session], presenters: list[User]) -> None:
    template = Case.objects.filter(program=program, slot__isnull=False).order_by("pk").first()
    cases = []
    for s, session in enumerate(sessions):
        for position in range(1, CASES_PER_SESSION + 1):
            case = copy.copy(template)
            case.pk = case.id = None
            case._state.adding = True
            case.presenter = presenters[(s * CASES_PER_SESSION + position) % len(presenters)]
            case.title = f"{template.title} ({s}.{position})"
            case.status = Case.Status.PRESENTED if session.ends_at < timezone.now() else Case.Status.SCHEDULED
            case.follow_up_of = None
            cases.append(case)
    created = Case.objects.bulk_create(cases, batch_size=500)
    CaseSlot.objects.bulk_create(
        [
            CaseSlot(session=sessions[i // CASES_PER_SESSION], case=case, position=i % CASES_PER_SESSION + 1)
            for i, case in enumerate(created)
        ],
        batch_size=500,
    )


def analyze() -> None:
    """Table statistics, as a live database has them (autovacuum gathers them as rows arrive):
    without them PostgreSQL plans the bulk-loaded tables as if they were empty, with nested
    loops over thousands of rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed_hub(*, participants: int = 200, experts: int = 14, coordinators: int = 6) -> Hub:
    with override_settings(DEBUG=True):  # seed_demo refuses to run in production
        call_command("seed_demo", participants=PARTICIPANTS, stdout=open(os.devnull, "w"))  # noqa: SIM115
    program = Program.objects.get(slug=PROGRAM_SLUG)
    expert = User.objects.get(email="expert@example.org")
    with transaction.atomic():
        _sessions(program, expert, SESSIONS)
        bulk = list(User.objects.filter(email__startswith="participant-").order_by("pk"))
        staff = bulk[-(experts + coordinators) :]
        _promote(program, staff[:experts], Role.EXPERT)
        _promote(program, staff[experts:], Role.COORDINATOR)
        members = bulk[: -(experts + coordinators)]
        now = timezone.now()
        sessions = list(program.sessions.filter(status=Session.Status.SCHEDULED).order_by("starts_at"))
        held = [s for s in sessions if s.ends_at < now]
        upcoming = [s for s in sessions if s.starts_at > now]
        _attendance([s for s in held if not s.attendances.exists()], members)
        _cases(program, [s for s in sessions if not s.case_slots_taken.exists()], members)
    analyze()
    demo = {
        u.email: u
        for u in User.objects.filter(email__in=["participant@example.org", "coordinator@example.org"])
    }
    signed_in = [demo["participant@example.org"], *members[: participants - 1]]
    return Hub(
        program=program,
        participants=signed_in,
        experts=[expert, *staff[: experts - 1]],
        coordinators=[demo["coordinator@example.org"], *staff[experts : experts + coordinators - 1]],
        held=held,
        upcoming=upcoming,
        cases=list(Case.objects.filter(program=program, slot__isnull=False).order_by("pk")),
    )
