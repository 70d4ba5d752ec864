from datetime import UTC

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.pagination import paginate
from sessions.permissions import get_program_for_coordinator

from . import selectors
from .forms import AuditFilterForm
from .permissions import require_site_auditor

PER_PAGE = 50
CSV_HEADER = [
    "time (UTC)",
    "action",
    "actor email",
    "program",
    "object type",
    "object id",
    "object",
    "ip",
    "user agent",
    "path",
    "request id",
    "details",
]


def _page(request, *, program=None, csv_url_name: str, title: str):
    form = AuditFilterForm(request.GET or None)
    page = paginate(request, selectors.events(program=program, **form.filters()), per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "title": title,
            "extra_query": query.urlencode(),
            "csv_url_name": csv_url_name,
        },
    )


def _csv(request, *, program=None, filename: str):
    form = AuditFilterForm(request.GET or None)
    rows = (
        [
            event.at.astimezone(UTC).isoformat(),
            event.action,
            event.actor_email,
            event.program.slug if event.program else "",
            event.object_type,
            event.object_id,
            event.object_label,
            event.ip,
            event.user_agent,
            event.path,
            event.request_id,
            "; ".join(f"{k}={v}" for k, v in sorted(event.extra.items())),
        ]
        for event in selectors.events(program=program, **form.filters()).iterator(chunk_size=2000)
    )
    return csv_response(filename, CSV_HEADER, rows)


@login_required
@require_GET
def program_events(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    return _page(request, program=program, csv_url_name="audit:program_csv", title="Audit trail")


@login_required
@require_GET
def program_events_csv(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    return _csv(request, program=program, filename=f"audit-{program.slug}.csv")


@login_required
@require_GET
def site_events(request):
    require_site_auditor(request.user)
    return _page(request, csv_url_name="audit:site_csv", title="Audit trail of the whole hub")


@login_required
@require_GET
def site_events_csv(request):
    require_site_auditor(request.user)
    return _csv(request, filename="audit-all.csv")
