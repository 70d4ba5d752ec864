"""The scope's attendance, read once for every part of the report that counts it: each
attendee's totals (head counts, hours, reach, retention), each session's (the sessions table)
and the groups the credit rule is applied to. One scan of the held sessions' attendance with
its people, grouped three ways in the database; three queries read it three times before."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q

from cpd.models import Evaluation
from sessions.attendance import creditable_q

from .scope import ReportScope, held_attendance

PEOPLE, SESSIONS, CREDITS = 1, 2, 3

# The groupings, over the rows of `a` (the scope's held attendance, one row per attendee and
# session). Every branch gives the same columns: kind, session, faculty, profession,
# community type, organization, session length, minutes, evaluated, then four counts.
# PostgreSQL types a UNION's columns pair by pair from the first branches: the first one's
# empty columns that only the last fills are typed (SQLite takes any type name and keeps NULL).
_GROUPED = f"""
SELECT {PEOPLE}, NULL, a.is_faculty, a.a_profession, a.a_community, a.a_organization,
       CAST(NULL AS interval), CAST(NULL AS integer), CAST(NULL AS boolean), COUNT(*), SUM(a.a_minutes),
       NULL, NULL
FROM a GROUP BY a.a_user, a.is_faculty, a.a_profession, a.a_community, a.a_organization
UNION ALL
SELECT {SESSIONS}, a.a_session, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       SUM(CASE WHEN a.is_faculty THEN 0 ELSE 1 END),
       SUM(CASE WHEN a.is_faculty THEN 0 ELSE a.a_minutes END),
       COUNT(DISTINCT CASE WHEN NOT a.is_faculty AND a.a_organization <> '' THEN a.a_organization END),
       SUM(CASE WHEN a.is_faculty THEN 1 ELSE 0 END)
FROM a GROUP BY a.a_session
UNION ALL
SELECT {CREDITS}, NULL, NULL, a.a_profession, NULL, NULL, a.a_length, a.a_minutes, a.evaluated,
       COUNT(*), NULL, NULL, NULL
FROM a WHERE NOT a.is_faculty AND a.creditable
GROUP BY a.a_length, a.a_minutes, a.evaluated, a.a_profession
"""


@dataclass(frozen=True)
class Person:
    """One attendee's attendance in the scope, with what reach groups them by."""

    profession: str
    community_type: str
    organization: str
    attendances: int
    minutes: int


@dataclass(frozen=True)
class SessionCounts:
    attendees: int
    sites: int
    participant_minutes: int
    faculty: int


@dataclass(frozen=True)
class CreditGroup:
    """Participants' attendances alike for the credit rule: session length, minutes attended,
    evaluation done, profession; `n` of them."""

    length: timedelta
    minutes: int
    evaluated: bool
    profession: str
    n: int


@dataclass
class Attended:
    participants: list[Person]
    faculty: list[Person]
    sessions: dict[int, SessionCounts]
    credit_groups: list[CreditGroup]


def _rows(scope: ReportScope):
    """The scope's held attendance with what the groupings read, built by the ORM (the faculty
    rule, the scope's sessions, the session's length in each database's arithmetic)."""
    evaluated = Evaluation.objects.filter(session=OuterRef("session_id"), user=OuterRef("user_id"))
    # `creditable_q` is empty where provisional attendance earns credit: "and a row" keeps it a
    # condition every row meets.
    creditable = creditable_q(scope.program) & Q(pk__isnull=False)
    return (
        held_attendance(scope)
        .annotate(
            evaluated=Exists(evaluated),
            creditable=ExpressionWrapper(creditable, output_field=BooleanField()),
        )
        .values(
            "is_faculty",
            "evaluated",
            "creditable",
            a_session=F("session_id"),
            a_user=F("user_id"),
            a_minutes=F("minutes"),
            a_profession=F("user__profession"),
            a_community=F("user__community_type"),
            a_organization=F("user__organization"),
            a_length=ExpressionWrapper(F("session__ends_at") - F("session__starts_at"), DurationField()),
        )
        .order_by()
    )


def _duration(value) -> timedelta:
    # PostgreSQL answers an interval; SQLite the microseconds Django's arithmetic computes.
    return value if isinstance(value, timedelta) else timedelta(microseconds=value)


def attended(scope: ReportScope) -> Attended:
    inner, params = _rows(scope).query.sql_with_params()
    found = Attended(participants=[], faculty=[], sessions={}, credit_groups=[])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH a AS ({inner}) {_GROUPED}", params)
        rows = cursor.fetchall()
    for (
        kind,
        session,
        faculty,
        profession,
        community,
        organization,
        length,
        minutes,
        evaluated,
        *counts,
    ) in rows:
        n, total, sites, faculty_n = counts
        if kind == PEOPLE:
            person = Person(profession, community, organization, n, total or 0)
            (found.faculty if faculty else found.participants).append(person)
        elif kind == SESSIONS:
            found.sessions[session] = SessionCounts(n, sites, total or 0, faculty_n)
        else:
            found.credit_groups.append(
                CreditGroup(_duration(length), minutes, bool(evaluated), profession, n)
            )
    return found
