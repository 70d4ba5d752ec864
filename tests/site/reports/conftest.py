"""A small program whose every report number is worked out by hand (see test_metrics.py)."""

from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.models import Case
from echo_hub.accounts.models import CommunityType, Profession
from sessions.models import Role, Session
from tests.factories import (
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    CertificateFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    FollowUpFactory,
    MedicationFactory,
    RecommendationLetterFactory,
    SessionFactory,
    UserFactory,
)

TORONTO = ZoneInfo("America/Toronto")


def _at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=TORONTO)


def _session(program, day: str | None, **fields) -> Session:
    starts_at = _at(day) if day else timezone.now() + timedelta(days=7)
    return SessionFactory(
        program=program, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields
    )


def _case(program, presenter, session, position: int, status: str, **fields) -> Case:
    case = CaseFactory(program=program, presenter=presenter, status=status, **fields)
    CaseSlotFactory(case=case, session=session, position=position)
    return case


def _letter(case: Case, days: int) -> None:
    RecommendationLetterFactory(case=case, rendered_at=case.slot.session.starts_at + timedelta(days=days))


@pytest.fixture
def dataset(program):
    cycle = CycleFactory(program=program, name="Fall 2025", start_date=_at("2025-09-01").date())
    CycleFactory(program=program, name="Winter 2026", start_date=_at("2026-01-07").date())
    s0 = _session(program, "2025-06-04", title="Welcome", didactic_topic="Introduction to ECHO")
    s1 = _session(program, "2025-09-10", cycle=cycle, title="Week 1", didactic_topic="Opioid tapering")
    s2 = _session(program, "2025-09-17", cycle=cycle, title="Week 2", didactic_topic="Opioid tapering")
    s3 = _session(program, "2025-09-24", cycle=cycle, title="Week 3", didactic_topic="Buprenorphine")
    s4 = _session(program, "2025-10-01", cycle=cycle, title="Week 4", status=Session.Status.CANCELLED)
    s5 = _session(program, None, cycle=cycle, title="Week 5", didactic_topic="Sleep")

    p1 = UserFactory(
        full_name="Pat One",
        profession=Profession.FAMILY_PHYSICIAN,
        community_type=CommunityType.RURAL,
        organization="North Clinic",
    )
    p2 = UserFactory(
        full_name="Pat Two",
        profession=Profession.NURSE_PRACTITIONER,
        community_type=CommunityType.REMOTE,
        organization="Lake Station",
    )
    p3 = UserFactory(
        full_name="Pat Three",
        profession=Profession.PHARMACIST,
        community_type=CommunityType.URBAN,
        organization="North Clinic",
    )
    p4 = UserFactory(
        full_name="Pat Four",
        profession=Profession.FAMILY_PHYSICIAN,
        community_type=CommunityType.RURAL,
        organization="",
    )
    # The hub's faculty attend too; reports count them apart from the participants.
    expert = UserFactory(
        full_name="Dr Hub Expert",
        profession=Profession.SPECIALIST_PHYSICIAN,
        community_type=CommunityType.URBAN,
        organization="Academic Pain Institute",
    )
    EnrollmentFactory(program=program, user=expert, role=Role.EXPERT)
    hub_coordinator = UserFactory(full_name="Hub Coordinator", organization="ECHO hub")
    EnrollmentFactory(program=program, user=hub_coordinator, role=Role.COORDINATOR)
    attendance = [
        (s1, expert, 120, None),
        (s2, expert, 120, None),
        (s1, hub_coordinator, 60, None),
        (s0, p1, 120, (5, 5)),
        (s1, p1, 120, (5, 4)),
        (s1, p2, 90, (4, 4)),
        (s1, p3, 60, (3, 2)),
        (s2, p1, 100, None),
        (s2, p2, 120, (4, 5)),
        (s3, p2, 45, (2, 3)),
        (s3, p4, 120, (5, 4)),
        (s3, p3, 0, None),
    ]
    for session, user, minutes, evaluation in attendance:
        AttendanceFactory(session=session, user=user, minutes=minutes)
        if evaluation:
            EvaluationFactory(session=session, user=user, relevance=evaluation[0], quality=evaluation[1])

    for session, user in [(s0, p1), (s1, p1), (s1, p2), (s2, p2), (s3, p4)]:
        CertificateFactory(session=session, user=user)
    CertificateFactory(session=s1, user=p3, status="revoked")
    CertificateFactory(session=None, cycle=cycle, kind="cycle", user=p2, credits=Decimal("5.50"))

    presenter = UserFactory(full_name="Nadia Presenter", profession=Profession.NURSE_PRACTITIONER)
    c1 = _case(program, presenter, s1, 1, Case.Status.LETTER_SENT, title="Tapering oxycodone")
    MedicationFactory(case=c1, drug="oxycodone", daily_dose=Decimal("120"))  # 180 MME
    _letter(c1, 3)
    fu1 = FollowUpFactory(case=c1)
    MedicationFactory(case=c1, follow_up=fu1, drug="oxycodone", daily_dose=Decimal("60"))  # 90 MME: down

    c2 = _case(program, presenter, s2, 1, Case.Status.LETTER_SENT, title="Morphine and sleep")
    MedicationFactory(case=c2, drug="morphine", daily_dose=Decimal("30"))  # 30 MME
    _letter(c2, 7)
    earlier = FollowUpFactory(case=c2)
    MedicationFactory(case=c2, follow_up=earlier, drug="morphine", daily_dose=Decimal("20"))
    latest = FollowUpFactory(case=c2)
    MedicationFactory(case=c2, follow_up=latest, drug="morphine", daily_dose=Decimal("40"))  # up

    c3 = _case(program, presenter, s3, 1, Case.Status.PRESENTED, title="Follow-up: tapering", follow_up_of=c1)
    _case(program, presenter, s5, 1, Case.Status.SCHEDULED, title="Not yet presented")
    CaseFactory(program=program, presenter=presenter, status=Case.Status.DRAFT)
    _case(program, presenter, s1, 2, Case.Status.SCHEDULED, title="Never marked presented")

    c7 = _case(program, presenter, s0, 1, Case.Status.LETTER_SENT, title="Welcome case")
    _letter(c7, 12)
    FollowUpFactory(case=c7)

    return SimpleNamespace(
        program=program,
        cycle=cycle,
        sessions=[s0, s1, s2, s3, s4, s5],
        participants=[p1, p2, p3, p4],
        cases=[c1, c2, c3, c7],
    )
