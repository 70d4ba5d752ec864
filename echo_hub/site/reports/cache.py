"""The report's numbers, kept in the cache under a key built from the rows they are computed
from: the program, the scope, and for each table the report reads (and the program's cycles,
which the page's filter offers) its row count and its latest change. Any change (a new
attendance, an edited case, a revoked certificate, a session that has just ended, a member made
an expert, an attendee's corrected profession) makes a new key, so the report is never stale;
while nothing changes, the page costs the one small query of the key instead of the report's
aggregations."""

import functools
import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils import translation

from cases.models import Case, FollowUp, Medication, RecommendationLetter
from cpd.models import Accreditation, Certificate, CreditType, Evaluation
from echo_hub.accounts.models import User
from sessions.models import Attendance, Cycle, Enrollment, Role, Session

from .selectors import ProgramReport, ReportScope, program_report

VERSION = 4
# Old keys are never read again once their rows change: the timeout only frees the space.
TIMEOUT = 60 * 60


def _table(model) -> str:
    return model._meta.db_table


@functools.cache
def _changes_sql() -> str:
    """One row per table the report reads: its label, how many of its rows are the program's,
    and their latest changes. Written by hand: building and compiling the same facts as ORM
    subqueries took Django longer (~5 ms a visit) than the database took to read them."""
    of_sessions = f"JOIN {_table(Session)} s ON s.id = x.session_id WHERE s.program_id = %(program)s"
    of_cases = f"JOIN {_table(Case)} c ON c.id = x.case_id WHERE c.program_id = %(program)s"
    of_cycles = f"JOIN {_table(Cycle)} y ON y.id = x.cycle_id WHERE y.program_id = %(program)s"
    own = "WHERE x.program_id = %(program)s"
    held = "SUM(CASE WHEN x.ends_at <= %(now)s THEN 1 ELSE 0 END)"
    faculty = f"{own} AND x.role IN ('{Role.COORDINATOR}', '{Role.EXPERT}')"
    count, changed, issued, revoked = "COUNT(*)", "MAX(x.updated_at)", "MAX(x.issued_at)", "MAX(x.revoked_at)"
    # label, model, count, second count, latest change, latest revocation, which rows. The
    # certificates come first: PostgreSQL types a UNION's columns from its first rows, and only
    # theirs are never NULL.
    tables = [
        ("session_certificates", Certificate, count, "0", issued, revoked, of_sessions),
        ("cycle_certificates", Certificate, count, "0", issued, revoked, of_cycles),
        ("sessions", Session, count, held, changed, "NULL", own),
        # The filter's choices and the scope's name: drawn with the numbers, kept with them.
        ("cycles", Cycle, count, "0", changed, "NULL", own),
        ("attendances", Attendance, count, "0", changed, "NULL", of_sessions),
        ("evaluations", Evaluation, count, "0", "MAX(x.submitted_at)", "NULL", of_sessions),
        ("cases", Case, count, "0", changed, "NULL", own),
        ("follow_ups", FollowUp, count, "0", "MAX(x.created_at)", "NULL", of_cases),
        ("medications", Medication, count, "0", "NULL", "NULL", of_cases),
        ("letters", RecommendationLetter, count, "0", "MAX(x.rendered_at)", "NULL", of_cases),
        ("credit_types", CreditType, count, "0", changed, "NULL", own),
        ("accreditations", Accreditation, count, "0", changed, "NULL", own),
        # Who counts as faculty (counted apart from the participants): the program's
        # coordinators and experts, whatever their status.
        ("faculty", Enrollment, count, "0", changed, "NULL", faculty),
        # Attendees are grouped by their profession, community and organization: any account's
        # latest change, read from its index (narrowing it to the program's attendees would scan
        # their attendance; an edit elsewhere only means one recomputation).
        ("accounts", User, "0", "0", changed, "NULL", ""),
    ]
    return "\nUNION ALL\n".join(
        f"SELECT '{label}', {counted}, {second}, {latest}, {revocation} FROM {_table(model)} x {rows}"
        for label, model, counted, second, latest, revocation, rows in tables
    )


def _changes(scope: ReportScope) -> tuple:
    """Row counts and latest changes of every table the report reads, in one query."""
    now = connection.ops.adapt_datetimefield_value(scope.now)
    with connection.cursor() as cursor:
        cursor.execute(_changes_sql(), {"program": scope.program.pk, "now": now})
        return tuple(sorted(cursor.fetchall()))


def report_key(scope: ReportScope) -> str:
    facts = (
        VERSION,
        scope.program.pk,
        # The program's settings the numbers follow: the credit rule's, whether provisional
        # attendance earns credit, and the zone its dates and date ranges are read in.
        scope.program.attendance_threshold_percent,
        scope.program.evaluation_required,
        scope.program.provisional_attendance_earns_credit,
        scope.program.time_zone,
        scope.cycle.pk if scope.cycle else None,
        scope.start,
        scope.end,
        # Profession and community names are translated when the report is computed.
        translation.get_language(),
        _changes(scope),
    )
    return f"report:{scope.program.pk}:{hashlib.sha256(repr(facts).encode()).hexdigest()}"


def cached_program_report(scope: ReportScope, *, key: str | None = None) -> ProgramReport:
    key = key or report_key(scope)
    report = cache.get(key)
    if report is None:
        report = program_report(scope)
        cache.set(key, report, TIMEOUT)
    report.scope = scope
    return report
