from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from echo_hub.accounts.models import Profession
from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.pagination import paginate
from echo_hub.notifications.services import retry_notification

from .. import invitations as invitation_services
from .. import selectors, services
from ..forms import (
    CancelSessionForm,
    CycleForm,
    DeclineForm,
    InviteForm,
    ProgramForm,
    RescheduleForm,
    RoleForm,
    RosterUploadForm,
    ScheduleForm,
    SessionForm,
)
from ..models import Role
from ..permissions import (
    can_create_program,
    get_cycle_for_coordinator,
    get_enrollment_for_coordinator,
    get_program_for_coordinator,
    get_session_for_coordinator,
)
from ..roster import REQUIRED_COLUMNS, TEMPLATE_EXAMPLE, parse_roster

_ROSTER_SESSION_KEY = "roster-import-{}"


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def _scheduled(count: int) -> str:
    return ngettext("%(count)s session scheduled.", "%(count)s sessions scheduled.", count) % {"count": count}


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request):
    if not can_create_program(request.user):
        raise PermissionDenied(gettext("Only hub staff can create programs."))
    form = ProgramForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        program = services.create_program(creator=request.user, **form.cleaned_data)
        messages.success(
            request,
            gettext("%(program)s is created. Open a cycle, then schedule its sessions.")
            % {"program": program.name},
        )
        return redirect("sessions:manage_schedule", slug=program.slug)
    return render(request, "sessions/manage/program_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.update_program(program=program, changes=changes, by=request.user)
        messages.success(request, gettext("Program settings saved."))
        return redirect("sessions:manage_schedule", slug=program.slug)
    return render(request, "sessions/manage/program_form.html", {"form": form, "program": program})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.create_cycle(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("Cycle “%(cycle)s” is open. Schedule its sessions now.") % {"cycle": cycle.name},
            )
            return redirect(
                f"{reverse('sessions:manage_schedule_new', args=[program.slug])}?cycle={cycle.pk}"
            )
    return render(request, "sessions/manage/cycle_form.html", {"form": form, "program": program})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request, slug, pk):
    cycle = get_cycle_for_coordinator(request.user, slug, pk)
    initial = {"name": cycle.name, "start_date": cycle.start_date, "end_date": cycle.end_date}
    form = CycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cycle(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, gettext("Cycle “%(cycle)s” saved.") % {"cycle": form.cleaned_data["name"]}
            )
            return redirect("sessions:manage_schedule", slug=slug)
    context = {"form": form, "program": cycle.program, "cycle": cycle}
    return render(request, "sessions/manage/cycle_form.html", context)


@login_required
@require_http_methods(["GET"])
def schedule(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    past = request.GET.get("when") == "past"
    page = paginate(request, selectors.program_sessions(program, past=past))
    return render(
        request,
        "sessions/manage/schedule.html",
        {"program": program, "page": page, "past": past, "cycles": list(program.cycles.all())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_new(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    initial = {"cycle": request.GET.get("cycle")} if request.GET.get("cycle", "").isdigit() else {}
    form = ScheduleForm(request.POST or None, program=program, initial=initial)
    offer_extend = False
    if request.method == "POST" and form.is_valid():
        try:
            sessions = services.schedule_weekly(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            offer_extend = "outside_cycle" in _codes(exc)
        else:
            messages.success(request, _scheduled(len(sessions)))
            return redirect("sessions:manage_schedule", slug=program.slug)
    offer_extend = offer_extend or bool(form.is_bound and form.data.get("extend_cycle"))
    return render(
        request,
        "sessions/manage/schedule_form.html",
        {"form": form, "program": program, "offer_extend": offer_extend},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.edit_session(session=session, changes=changes, by=request.user)
        messages.success(request, gettext("%(session)s saved.") % {"session": session.title})
        return redirect(session)
    return render(
        request,
        "sessions/manage/session_form.html",
        {"form": form, "session": session, "program": session.program},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(session=session, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("%(session)s is cancelled.") % {"session": session.title})
            return redirect(session)
    return render(
        request,
        "sessions/manage/session_cancel.html",
        {"form": form, "session": session, "program": session.program},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    form = RescheduleForm(request.POST or None, session=session)
    offer_extend = False
    if request.method == "POST" and form.is_valid():
        try:
            session = services.reschedule_session(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            offer_extend = "outside_cycle" in _codes(exc)
        else:
            messages.success(request, gettext("%(session)s is rescheduled.") % {"session": session.title})
            return redirect(session)
    offer_extend = offer_extend or bool(form.is_bound and form.data.get("extend_cycle"))
    context = {"form": form, "session": session, "program": session.program, "offer_extend": offer_extend}
    return render(request, "sessions/manage/session_reschedule.html", context)


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


@login_required
@require_http_methods(["GET"])
def failed_messages(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    page = paginate(request, selectors.failed_notifications(program))
    return render(request, "sessions/manage/failed_messages.html", {"program": program, "page": page})


@login_required
@require_POST
def retry_message(request, slug, pk):
    program = get_program_for_coordinator(request.user, slug)
    notification = get_object_or_404(selectors.failed_notifications(program), pk=pk)
    retry_notification(notification=notification)
    messages.success(
        request,
        gettext("The message to %(email)s will be sent again within a minute.")
        % {"email": notification.email},
    )
    return redirect("sessions:manage_failed_messages", slug=slug)
