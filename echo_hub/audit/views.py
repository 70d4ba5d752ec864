from datetime import UTC

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.pagination import paginate

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


def events_page(request, *, program=None, csv_url_name: str, title: str):
    """The trail, filtered, of one program (its coordinators' page) or of the whole hub."""
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


def events_csv(request, *, program=None, filename: str):
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
def site_events(request):
    require_site_auditor(request.user)
    return events_page(request, csv_url_name="audit:site_csv", title=_("Audit trail of the whole hub"))


@login_required
@require_GET
def site_events_csv(request):
    require_site_auditor(request.user)
    return events_csv(request, filename="audit-all.csv")
