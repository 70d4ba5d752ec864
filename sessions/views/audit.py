from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from echo_hub.audit.views import events_csv, events_page

from ..permissions import get_program_for_coordinator


@login_required
@require_GET
def program_events(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    return events_page(
        request, program=program, csv_url_name="sessions:manage_audit_csv", title="Audit trail"
    )


@login_required
@require_GET
def program_events_csv(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    return events_csv(request, program=program, filename=f"audit-{program.slug}.csv")
