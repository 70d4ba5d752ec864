"""Manage › Enrollment: a coordinator approves or declines requests to join, changes a member's role
or removes them, invites people by email, and imports a roster CSV (a per-row preview first, then
the import)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from echo_hub.accounts.models import Profession
from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.pagination import paginate

from .. import invitations as invitation_services
from .. import selectors, services
from ..forms import DeclineForm, InviteForm, RoleForm, RosterUploadForm
from ..models import Role
from ..permissions import get_enrollment_for_coordinator, get_program_for_coordinator
from ..roster import REQUIRED_COLUMNS, TEMPLATE_EXAMPLE, parse_roster

_ROSTER_SESSION_KEY = "roster-import-{}"


@login_required
@require_http_methods(["GET"])
def enrollment(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    return render(
        request,
        "sessions/manage/enrollment.html",
        {
            "program": program,
            "pending": paginate(request, selectors.pending_requests(program), param="pending_page"),
            "roster": paginate(request, selectors.roster(program)),
            "decline_form": DeclineForm(),
            "role_choices": RoleForm.base_fields["role"].choices,
        },
    )


@login_required
@require_POST
def enrollment_approve(request, slug, pk):
    enrollment = get_enrollment_for_coordinator(request.user, slug, pk)
    services.approve_enrollment(enrollment=enrollment, by=request.user)
    messages.success(
        request, gettext("%(person)s is approved and will get an email.") % {"person": enrollment.user}
    )
    return redirect("sessions:manage_enrollment", slug=slug)


@login_required
@require_POST
def enrollment_decline(request, slug, pk):
    enrollment = get_enrollment_for_coordinator(request.user, slug, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.decline_enrollment(enrollment=enrollment, by=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, gettext("The request of %(person)s is declined.") % {"person": enrollment.user}
        )
    return redirect("sessions:manage_enrollment", slug=slug)


@login_required
@require_POST
def enrollment_role(request, slug, pk):
    enrollment = get_enrollment_for_coordinator(request.user, slug, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a role: participant, hub expert or coordinator."))
        return redirect("sessions:manage_enrollment", slug=slug)
    try:
        enrollment = services.change_role(
            enrollment=enrollment, role=form.cleaned_data["role"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("sessions:manage_enrollment", slug=slug)
    messages.success(
        request,
        gettext("%(person)s is now %(role)s.")
        % {"person": enrollment.user, "role": enrollment.get_role_display().lower()},
    )
    if enrollment.user_id == request.user.pk and enrollment.role != Role.COORDINATOR:
        return redirect("home")
    return redirect("sessions:manage_enrollment", slug=slug)


@login_required
@require_POST
def enrollment_remove(request, slug, pk):
    enrollment = get_enrollment_for_coordinator(request.user, slug, pk)
    try:
        services.remove_member(enrollment=enrollment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("sessions:manage_enrollment", slug=slug)
    messages.success(
        request,
        gettext("%(person)s is no longer a member of %(program)s.")
        % {"person": enrollment.user, "program": enrollment.program},
    )
    if enrollment.user_id == request.user.pk:
        return redirect("home")
    return redirect("sessions:manage_enrollment", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitations = invitation_services.invite_to_program(
            program=program,
            emails=form.cleaned_data["emails"],
            role=form.cleaned_data["role"],
            by=request.user,
        )
        count = len(invitations)
        messages.success(
            request,
            ngettext("%(count)s invitation sent.", "%(count)s invitations sent.", count) % {"count": count},
        )
        return redirect("sessions:manage_invitations", slug=slug)
    return render(
        request,
        "sessions/manage/invite.html",
        {"form": form, "program": program, "expiry_days": settings.INVITATION_EXPIRY_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request, slug):
    """Upload a roster CSV and see a per-row report; nothing is imported yet."""
    program = get_program_for_coordinator(request.user, slug)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = form.report
        report.skip_members(
            selectors.member_emails(program, [line.values["email"].lower() for line in report.lines])
        )
        request.session[_ROSTER_SESSION_KEY.format(program.pk)] = form.cleaned_data["file"]
    return render(
        request,
        "sessions/manage/roster_import.html",
        {"form": form, "program": program, "report": report, "professions": Profession.labels},
    )


@login_required
@require_http_methods(["GET"])
def roster_template(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    return csv_response(f"{program.slug}-roster-template.csv", REQUIRED_COLUMNS, [TEMPLATE_EXAMPLE])


@login_required
@require_POST
def roster_import_confirm(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    text = request.session.pop(_ROSTER_SESSION_KEY.format(program.pk), None)
    if text is None:
        messages.error(request, gettext("Upload the roster file again: the preview has expired."))
        return redirect("sessions:manage_roster_import", slug=slug)
    report = parse_roster(text)
    report.skip_members(selectors.member_emails(program, [row.email for row in report.valid_rows]))
    try:
        added = services.import_roster(program=program, rows=report.valid_rows, by=request.user)
    except ValidationError as exc:
        messages.error(
            request, gettext("Nothing was imported. %(problems)s") % {"problems": " ".join(exc.messages)}
        )
        return redirect("sessions:manage_roster_import", slug=slug)
    messages.success(
        request,
        ngettext(
            "%(count)s person added to the roster and emailed.",
            "%(count)s people added to the roster and emailed.",
            len(added),
        )
        % {"count": len(added)},
    )
    return redirect("sessions:manage_enrollment", slug=slug)
