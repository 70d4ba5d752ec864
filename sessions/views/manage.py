from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.pagination import paginate
from echo_hub.notifications.services import retry_notification

from .. import selectors, services
from ..forms import (
    CancelSessionForm,
    CycleForm,
    ProgramForm,
    RescheduleForm,
    ScheduleForm,
    SessionForm,
)
from ..permissions import (
    can_create_program,
    get_cycle_for_coordinator,
    get_program_for_coordinator,
    get_session_for_coordinator,
)


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
