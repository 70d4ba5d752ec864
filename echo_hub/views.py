from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import selectors as case_selectors
from cases.models import Case
from cpd import selectors as cpd_selectors
from echo_hub.lib.csp import allow_form_redirects
from echo_hub.lib.pagecache import cached_page
from echo_hub.notifications.models import Notification
from sessions import selectors
from sessions.models import PROGRAM_SCOPE_PREFIX, Enrollment
from sessions.permissions import coordinated_programs

DASHBOARD_SESSIONS = 6


@require_GET
@cached_page
def home(request):
    if not request.user.is_authenticated:
        programs = selectors.open_programs().order_by("name")[:12]
        return render(request, "home.html", {"programs": programs})
    user = request.user
    upcoming = list(selectors.upcoming_sessions_for(user)[:DASHBOARD_SESSIONS])
    pending = Enrollment.objects.filter(program=OuterRef("pk"), status=Enrollment.Status.PENDING)
    to_screen = Case.objects.filter(program=OuterRef("pk"), status=Case.Status.SUBMITTED)
    overdue = case_selectors.overdue_letters_for_programs().filter(program=OuterRef("pk"))
    failed = Notification.objects.filter(
        status=Notification.Status.FAILED,
        scope=Concat(Value(PROGRAM_SCOPE_PREFIX), Cast(OuterRef("pk"), output_field=CharField())),
    ).values("scope")
    coordinated = coordinated_programs(user).annotate(
        pending_count=_count(pending),
        screen_count=_count(to_screen),
        overdue_count=_count(overdue),
        failed_count=Coalesce(Subquery(failed.annotate(n=Count("pk")).values("n")[:1]), 0),
    )
    response = render(
        request,
        "dashboard.html",
        {
            "next_session": upcoming[0] if upcoming else None,
            "upcoming": upcoming[1:],
            "enrollments": list(selectors.user_enrollments(user).order_by("program__name")),
            "coordinated": list(coordinated.order_by("name")),
            "my_cases_waiting": list(case_selectors.cases_needing_presenter(user)[:5]),
            "pending_evaluations": list(cpd_selectors.pending_evaluations(user)[:5]),
            "surveys_to_answer": cpd_selectors.surveys_to_answer(user),
        },
    )
    return allow_form_redirects(response, [s.join_url for s in upcoming if s.join_url and s.join_open])


def _count(queryset) -> Coalesce:
    """A correlated COUNT(*) subquery, 0 when nothing matches."""
    return Coalesce(Subquery(queryset.values("program").annotate(n=Count("pk")).values("n")[:1]), 0)


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request, exception=None):
    """Django answers a request it refuses to parse with 400: say why when the body was too
    big (413, Content Too Large) or had too many fields or files."""
    if isinstance(exception, RequestDataTooBig):
        return render(request, "413.html", {"too_many": False}, status=413)
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return render(request, "413.html", {"too_many": True}, status=413)
    return render(request, "400.html", status=400)
