"""Random sequences of the real record services (schedule, join, tick, adjust, import a
participant report, confirm, evaluate, issue, reissue, revoke, close a cycle early, and time
passing), with the invariants an accreditation body relies on checked after every step:

- no attendance for a session that has not started, and never more minutes than it lasted;
- credits never above the certified maximum, and a whole number of rounding steps;
- every current certificate says what a recomputation from the attendance rows says;
- at most one current certificate per person and session or cycle.
"""

import contextlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cpd.models import Certificate
from cpd.services import (
    bulk_issue_for_session,
    close_cycle_early,
    issue_cycle_certificate,
    issue_session_certificate,
    reissue_certificate,
    revoke_certificate,
    submit_evaluation,
)
from cpd.services.lifecycle import recompute_facts
from echo_hub.accounts.models import Profession
from sessions.attendance import (
    adjust_attendance,
    confirm_provisional_attendance,
    record_join,
    record_provisional_attendance,
    set_roster,
)
from sessions.models import Attendance, Session
from sessions.participant_report import import_report
from sessions.scheduling import create_cycle, schedule_weekly
from sessions.zoom import ZoomPerson, ZoomReport
from tests.factories import CreditTypeFactory, EnrollmentFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
START = datetime(2027, 1, 4, 9, 0, tzinfo=TORONTO)  # a Monday morning, before any session
FIRST_SESSION_ENDED = datetime(2027, 1, 6, 13, 40, tzinfo=TORONTO)
QUARTER = Decimal("0.25")
MAXIMUM = Decimal("1.5")
GOOD_EVALUATION = {"relevance": 5, "quality": 4, "objectives_met": True}

refused = (ValidationError,)
# A change behind an issued certificate needs a reason; without one it is refused.
REASON = st.sampled_from(["", "Corrected from the sign-in sheet"])
# Mostly the first sessions, so that the steps meet on the same records.
SESSION = st.integers(0, 3)


class RecordsMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._clock = time_machine.travel(START, tick=False)
        self.traveller = self._clock.start()
        self.program = ProgramFactory(
            time_zone="America/Toronto",
            attendance_threshold_percent=50,
            evaluation_required=True,
            default_duration_minutes=90,
        )
        # Physicians earn Mainpro+ at 1.5 an hour, up to 1.5 a session; NPs earn hours of attendance.
        CreditTypeFactory(
            program=self.program,
            credits_per_hour=Decimal("1.5"),
            rounding_step=QUARTER,
            max_per_session=MAXIMUM,
            professions=[Profession.FAMILY_PHYSICIAN],
        )
        self.coordinator = UserFactory()
        self.people = [
            UserFactory(profession=Profession.FAMILY_PHYSICIAN),
            UserFactory(profession=Profession.FAMILY_PHYSICIAN),
            UserFactory(profession=Profession.NURSE_PRACTITIONER),
        ]
        for person in self.people:
            EnrollmentFactory(program=self.program, user=person)
        self.cycle = create_cycle(
            program=self.program, name="Winter", start_date=date(2027, 1, 4), end_date=date(2027, 3, 31)
        )
        self.sessions = schedule_weekly(
            program=self.program, cycle=self.cycle, first_date=date(2027, 1, 6), start_time=time(12), count=3
        )
        # The first session has just ended; the others are still to come. One physician was
        # ticked, evaluated and holds a certificate; the other attended 50 minutes and evaluated.
        self.traveller.move_to(FIRST_SESSION_ENDED)
        first = self.sessions[0]
        set_roster(session=first, present_user_ids=[self.people[0].pk], by=self.coordinator)
        adjust_attendance(
            session=first, user=self.people[1], minutes=50, reason="Sign-in sheet", by=self.coordinator
        )
        for person in self.people[:2]:
            submit_evaluation(session=first, user=person, fields=GOOD_EVALUATION)
        issue_session_certificate(user=self.people[0], session=first)

    def teardown(self):
        self._clock.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # Picking among the fixed cast.
    def _session(self, i: int) -> Session:
        return Session.objects.get(pk=self.sessions[i % len(self.sessions)].pk)

    def _person(self, i: int):
        return self.people[i % len(self.people)]

    # Time passes: by a while, or to a moment around one of the sessions (never backwards).
    @rule(minutes=st.sampled_from([5, 30, 60 * 3, 60 * 24, 60 * 24 * 7]))
    def move_clock(self, minutes):
        self.traveller.shift(timedelta(minutes=minutes))

    @rule(s=SESSION, offset=st.sampled_from([-10, 0, 20, 45, 90, 95, 60 * 24]))
    def move_clock_to_session(self, s, offset):
        moment = self._session(s).starts_at + timedelta(minutes=offset)
        if moment > timezone.now():
            self.traveller.move_to(moment)

    @rule(weeks=st.integers(min_value=0, max_value=8))
    def schedule(self, weeks):
        day = timezone.localdate(timezone.now(), TORONTO) + timedelta(days=2 + 7 * weeks)
        with contextlib.suppress(refused):
            self.sessions += schedule_weekly(
                program=self.program,
                cycle=self.cycle,
                first_date=day,
                start_time=time(15),
                count=1,
                by=self.coordinator,
            )

    @rule(s=SESSION, p=st.integers(0, 2))
    def join(self, s, p):
        with contextlib.suppress(refused):
            record_join(session=self._session(s), user=self._person(p))

    @rule()
    def provisional_sweep(self):
        record_provisional_attendance()

    @rule(s=SESSION, ticked=st.sets(st.integers(0, 2)), reason=REASON)
    def tick(self, s, ticked, reason):
        with contextlib.suppress(refused):
            set_roster(
                session=self._session(s),
                present_user_ids=[self._person(p).pk for p in ticked],
                by=self.coordinator,
                correction_reason=reason,
            )

    @rule(s=SESSION, p=st.integers(0, 2), minutes=st.integers(-5, 200))
    def adjust(self, s, p, minutes):
        with contextlib.suppress(refused):
            adjust_attendance(
                session=self._session(s),
                user=self._person(p),
                minutes=minutes,
                reason="Corrected from the sign-in sheet",
                by=self.coordinator,
            )

    @rule(
        s=SESSION,
        spans=st.dictionaries(
            st.integers(0, 2),
            st.lists(st.tuples(st.integers(-60, 150), st.integers(0, 120)), min_size=1, max_size=3),
            min_size=1,
        ),
        reason=REASON,
    )
    def import_participant_report(self, s, spans, reason):
        session = self._session(s)
        people = []
        for p, pieces in spans.items():
            person = self._person(p)
            intervals = [
                (session.starts_at + timedelta(minutes=a), session.starts_at + timedelta(minutes=a + length))
                for a, length in pieces
            ]
            people.append(
                ZoomPerson(
                    key=person.email,
                    name=person.full_name,
                    email=person.email,
                    minutes=sum(length for _, length in pieces),
                    intervals=intervals,
                    first_joined_at=min(a for a, _ in intervals),
                    last_left_at=max(b for _, b in intervals),
                )
            )
        report = ZoomReport(people=people, meeting_topic="ECHO", meeting_id="1", row_count=len(people))
        with contextlib.suppress(refused):
            import_report(
                session=session, report=report, chosen={}, by=self.coordinator, correction_reason=reason
            )

    @rule(s=SESSION, reason=REASON)
    def confirm(self, s, reason):
        with contextlib.suppress(refused):
            confirm_provisional_attendance(
                session=self._session(s), by=self.coordinator, correction_reason=reason
            )

    @rule(s=SESSION, p=st.integers(0, 2))
    def evaluate(self, s, p):
        with contextlib.suppress(refused):
            submit_evaluation(session=self._session(s), user=self._person(p), fields=GOOD_EVALUATION)

    @rule(s=SESSION, p=st.integers(0, 2))
    def issue_for_session(self, s, p):
        with contextlib.suppress(refused):
            issue_session_certificate(user=self._person(p), session=self._session(s))

    @rule(s=SESSION)
    def bulk_issue(self, s):
        bulk_issue_for_session(session=self._session(s), by=self.coordinator)

    @rule(p=st.integers(0, 2))
    def issue_for_cycle(self, p):
        with contextlib.suppress(refused):
            issue_cycle_certificate(user=self._person(p), cycle=self.cycle)

    @rule(reason=st.sampled_from(["", "The hub's last sessions were cancelled"]))
    def close_cycle(self, reason):
        with contextlib.suppress(refused):
            close_cycle_early(cycle=self.cycle, by=self.coordinator, reason=reason)

    @rule(c=st.integers(0, 50), reason=REASON)
    def reissue(self, c, reason):
        current = list(Certificate.objects.filter(status=Certificate.Status.VALID).order_by("pk"))
        if current:
            with contextlib.suppress(refused):
                reissue_certificate(certificate=current[c % len(current)], by=self.coordinator, reason=reason)

    @rule(c=st.integers(0, 50))
    def revoke(self, c):
        current = list(Certificate.objects.filter(status=Certificate.Status.VALID).order_by("pk"))
        if current:
            revoke_certificate(
                certificate=current[c % len(current)], by=self.coordinator, reason="Issued in error"
            )

    # What must hold after every step.
    @invariant()
    def attendance_only_inside_started_sessions(self):
        now = timezone.now()
        for a in Attendance.objects.select_related("session"):
            assert a.session.starts_at <= now, (
                f"attendance recorded for a session starting {a.session.starts_at}"
            )
            assert 0 <= a.minutes <= a.session.duration_minutes

    @invariant()
    def credits_within_the_rule(self):
        for c in Certificate.objects.select_related("credit_type"):
            step = c.credit_type.rounding_step if c.credit_type else QUARTER
            assert c.credits > 0
            assert c.credits % step == 0, f"{c.credits} is not a multiple of {step}"
            if c.kind == Certificate.Kind.SESSION and c.credit_type is not None:
                assert c.credits <= c.credit_type.max_per_session

    @invariant()
    def certificates_say_what_the_attendance_says(self):
        for c in Certificate.objects.filter(status=Certificate.Status.VALID).select_related("user"):
            facts = recompute_facts(c)
            assert facts.eligible, f"a valid certificate for attendance that no longer earns: {facts.missing}"
            assert facts.same_as(c), f"certificate says {c.credits}, the rows give {facts.credits}"

    @invariant()
    def superseded_certificates_point_to_the_current_one(self):
        for c in Certificate.objects.exclude(superseded_at=None).select_related("superseded_by"):
            assert c.superseded_by is not None and c.superseded_by.superseded_at is None
            assert c.superseded_by.code != c.code

    @invariant()
    def one_current_certificate_each(self):
        current = Certificate.objects.filter(superseded_at=None)
        for field in ("session", "cycle"):
            doubled = (
                current.filter(**{f"{field}__isnull": False})
                .values("user", field)
                .annotate(n=Count("pk"))
                .filter(n__gt=1)
            )
            assert not doubled.exists()


def test_records_stay_true_whatever_happens_in_whatever_order():
    run_state_machine_as_test(
        RecordsMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
