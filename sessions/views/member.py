from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from echo_hub.lib.csp import allow_form_redirects
from echo_hub.lib.ics import build_calendar
from echo_hub.lib.pagination import paginate

from .. import selectors, services
from ..calendar import calendar_event
from ..hooks import session_notices
from ..models import Enrollment, Role, Session
from ..permissions import (
    can_create_program,
    can_edit_materials,
    get_session_for_member,
    get_visible_program,
    visible_programs,
)

User = get_user_model()


def _ics_response(body: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def program_list(request):
    programs = visible_programs(request.user).order_by("name")
    page = paginate(request, programs)
    return render(
        request,
        "sessions/program_list.html",
        {"page": page, "can_create": can_create_program(request.user)},
    )


@require_GET
def program_detail(request, slug):
    program, role = get_visible_program(request.user, slug)
    enrollment = None
    if request.user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=request.user, program=program).first()
    # The credit types the program is certified for (cpd's rows, read by relation name).
    prefetch_related_objects([program], "credit_types")
    upcoming, topics = [], []
    if role:
        upcoming = list(selectors.program_sessions(program, past=False)[:5])
    else:
        topics = selectors.upcoming_topics(program)
    return render(
        request,
        "sessions/program_detail.html",
        {"program": program, "role": role, "enrollment": enrollment, "upcoming": upcoming, "topics": topics},
    )


@login_required
@require_POST
def program_enroll(request, slug):
    program, _ = get_visible_program(request.user, slug)
    try:
        enrollment = services.request_enrollment(user=request.user, program=program)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(program)
    if enrollment.status == Enrollment.Status.APPROVED:
        messages.info(
            request, gettext("You are already a member of %(program)s.") % {"program": program.name}
        )
    else:
        messages.success(
            request,
            gettext(
                "Your request to join %(program)s is sent. A coordinator will review it; you will get an email."
            )
            % {"program": program.name},
        )
    return redirect(program)


@login_required
@require_GET
def program_sessions(request, slug):
    program, role = get_visible_program(request.user, slug)
    if role is None:
        raise Http404("No such program.")
    past = request.GET.get("when") == "past"
    page = paginate(request, selectors.program_sessions(program, past=past))
    return render(
        request,
        "sessions/program_sessions.html",
        {"program": program, "role": role, "page": page, "past": past},
    )


@login_required
@require_GET
def my_sessions(request):
    groups = selectors.my_sessions_by_program(request.user)
    return render(request, "sessions/my_sessions.html", {"groups": groups})


@login_required
@require_GET
def session_detail(request, slug, pk):
    session, role = get_session_for_member(request.user, slug, pk)
    session_materials = list(session.materials.all())
    join_url = selectors.join_url_for(session, request.user)
    response = render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "program": session.program,
            "role": role,
            "is_coordinator": role == Role.COORDINATOR,
            "slides": [m for m in session_materials if m.is_slides],
            "links": [m for m in session_materials if not m.is_slides],
            "can_edit_materials": can_edit_materials(request.user, session, role),
            "join_url": join_url,
            "notices": session_notices(session, role),
        },
    )
    # The Join button (shown while join_open) posts, then redirects to the video platform.
    return allow_form_redirects(response, [join_url] if join_url and session.join_open else [])


@login_required
@require_GET
def session_ics(request, slug, pk):
    session, _ = get_session_for_member(request.user, slug, pk)
    event = calendar_event(session, join_url=selectors.join_url_for(session, request.user))
    body = build_calendar([event], name=session.program.name, stamp=timezone.now())
    return _ics_response(body, f"echo-session-{session.pk}.ics", attachment=True)


@require_GET
def calendar_feed(request, token):
    user = get_object_or_404(User, calendar_token=token, is_active=True)
    sessions = selectors.with_member_join_url(
        Session.objects.filter(
            program__enrollments__user=user, program__enrollments__status=Enrollment.Status.APPROVED
        )
        .select_related("program", "presenter", "guest_presenter")
        .order_by("starts_at"),
        user,
    )
    # A calendar app fetches the feed without the owner's cookie: it reads in their own language.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = build_calendar(
            [calendar_event(s, join_url=s.member_join_url) for s in sessions],
            name=gettext("ECHO Hub sessions"),
            stamp=timezone.now(),
        )
    return _ics_response(body, "echo-hub.ics", attachment=False)
