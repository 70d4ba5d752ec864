"""The report's numbers, kept in the cache under a key built from the rows they are computed
from: the program, the scope, and for each table the report reads its row count and its
latest change. Any change (a new attendance, an edited case, a revoked certificate, a session
that has just ended) makes a new key, so the report is never stale; while nothing changes,
the page costs the few small queries of the key instead of the report's aggregations."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import translation

from cases.models import Case, FollowUp, Medication, RecommendationLetter
from cpd.models import Accreditation, Certificate, CreditType, Evaluation
from sessions.models import Attendance, Program, Session

from .selectors import ProgramReport, ReportScope, program_report

VERSION = 2
# Old keys are never read again once their rows change: the timeout only frees the space.
TIMEOUT = 60 * 60


def _per_program(rows: QuerySet, path: str, **aggregates) -> dict[str, Subquery]:
    """The aggregates of `rows` as one subquery of the program (a JSON object of them, so
    each table is read once however many facts it gives), for one query in all."""
    grouped = rows.filter(**{path: OuterRef("pk")}).order_by().values(path)
    name = f"fact_{rows.model._meta.model_name}_{path.replace('__', '_')}"
    return {name: Subquery(grouped.annotate(value=JSONObject(**aggregates)).values("value")[:1])}


def _changes(scope: ReportScope) -> tuple:
    """Row counts and latest changes of every table the report reads, in one query."""
    n, held = Count("pk"), Count("pk", filter=Q(ends_at__lte=scope.now))
    facts = {
        **_per_program(Session.objects, "program", sessions=n, held=held, sessions_at=Max("updated_at")),
        **_per_program(Attendance.objects, "session__program", attendances=n, attended_at=Max("updated_at")),
        **_per_program(
            Evaluation.objects, "session__program", evaluations=n, evaluated_at=Max("submitted_at")
        ),
        **_per_program(Case.objects, "program", cases=n, cases_at=Max("updated_at")),
        **_per_program(FollowUp.objects, "case__program", follow_ups=n, followed_at=Max("created_at")),
        **_per_program(Medication.objects, "case__program", medications=n),
        **_per_program(
            RecommendationLetter.objects, "case__program", letters=n, letters_at=Max("rendered_at")
        ),
        **_per_program(
            Certificate.objects,
            "session__program",
            certificates=n,
            issued=Max("issued_at"),
            revoked=Max("revoked_at"),
        ),
        **_per_program(
            Certificate.objects,
            "cycle__program",
            cycle_certificates=n,
            cycle_issued=Max("issued_at"),
            cycle_revoked=Max("revoked_at"),
        ),
        **_per_program(CreditType.objects, "program", credit_types=n, credit_types_at=Max("updated_at")),
        **_per_program(Accreditation.objects, "program", accreditation_at=Max("updated_at")),
    }
    return tuple(
        Program.objects.filter(pk=scope.program.pk).annotate(**facts).values_list(*facts).first() or ()
    )


def report_key(scope: ReportScope) -> str:
    facts = (
        VERSION,
        scope.program.pk,
        scope.program.attendance_threshold_percent,
        scope.program.evaluation_required,
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
