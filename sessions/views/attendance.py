from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.pagination import paginate
from echo_hub.lib.ratelimit import ratelimit

from .. import attendance as services
from .. import participant_report, selectors
from ..attendance_forms import (
    AdjustAttendanceForm,
    AttendanceClaimForm,
    ConfirmAttendanceForm,
    ReportUploadForm,
)
from ..issued import holders_of_issued_records
from ..models import AttendanceClaim
from ..permissions import get_program_for_coordinator, get_session_for_coordinator, get_session_for_member
from ..zoom import parse_zoom_report

User = get_user_model()
_REPORT_KEY = "attendance-report-{}"


@login_required
@require_POST
@ratelimit("join")
def join(request, slug, pk):
    session, _ = get_session_for_member(request.user, slug, pk)
    join_url = selectors.join_url_for(session, request.user)
    if not join_url:
        messages.error(request, gettext("This session has no join link yet. The coordinator will add it."))
        return redirect(session)
    try:
        services.record_join(session=session, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(session)
    return redirect(join_url)


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, slug, pk):
    session, _ = get_session_for_member(request.user, slug, pk)
    form = AttendanceClaimForm(request.POST or None, initial={"minutes": session.duration_minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.file_claim(session=session, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Your request is sent to the coordinators."))
            return redirect(session)
    return render(
        request,
        "sessions/attendance_claim.html",
        {"session": session, "program": session.program, "form": form},
    )


ROSTER_PER_PAGE = 50
SEARCH_MAX_LENGTH = 200


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@login_required
@require_http_methods(["GET", "POST"])
def manage_attendance(request, slug, pk):
    """The roster for one session, a page of members at a time (a program can have thousands):
    tick who was there, adjust minutes with a reason."""
    session = get_session_for_coordinator(request.user, slug, pk)
    posted = None
    if request.method == "POST":
        posted = _save_roster(request, session)
        if posted is None:
            back = reverse("sessions:manage_attendance", kwargs={"slug": slug, "pk": pk})
            return redirect(f"{back}?{request.GET.urlencode()}" if request.GET else back)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    page = paginate(
        request,
        selectors.members(session.program, search=query),
        per_page=ROSTER_PER_PAGE,
        count=None if query else partial(selectors.member_count, session.program),
    )
    return render(
        request,
        "sessions/manage/attendance.html",
        {
            **selectors.roster_page(session, members=page),
            "page": page,
            "query": query,
            "extra_query": urlencode({"q": query}) if query else "",
            "adjust_form": AdjustAttendanceForm(members=selectors.members(session.program)),
            "posted": posted,
        },
        status=400 if posted else 200,
    )


def _save_roster(request, session) -> dict | None:
    """Save the ticks; on a refusal, what was posted (ticks, reason, error) to show again."""
    # The page's form lists the members it showed: unticking one of them removes the tick,
    # members on other pages keep theirs.
    shown = _ids(request.POST.getlist("shown")) if "shown" in request.POST else None
    present = _ids(request.POST.getlist("present"))
    reason = request.POST.get("correction_reason", "")[:300]
    try:
        changed = services.set_roster(
            session=session,
            present_user_ids=present,
            shown_user_ids=shown,
            by=request.user,
            correction_reason=reason,
        )
    except ValidationError as exc:
        if "correction_reason" in getattr(exc, "error_dict", {}):
            return {"present": set(present), "correction_reason": reason, "error": " ".join(exc.messages)}
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(
        request,
        ngettext("Roster saved (%(count)s change).", "Roster saved (%(count)s changes).", changed)
        % {"count": changed},
    )
    return None


@login_required
@require_POST
def adjust(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    form = AdjustAttendanceForm(request.POST, members=selectors.members(session.program))
    if form.is_valid():
        try:
            services.adjust_attendance(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                gettext("Attendance of %(person)s set to %(minutes)s minutes.")
                % {"person": form.cleaned_data["user"], "minutes": form.cleaned_data["minutes"]},
            )
    else:
        messages.error(
            request,
            gettext("Adjustment not saved: %(errors)s")
            % {"errors": " ".join(e for errs in form.errors.values() for e in errs)},
        )
    return redirect("sessions:manage_attendance", slug=slug, pk=pk)


@login_required
@require_POST
def confirm_provisional(request, slug, pk):
    session = get_session_for_coordinator(request.user, slug, pk)
    form = ConfirmAttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose whose attendance to confirm."))
        return redirect("sessions:manage_attendance", slug=slug, pk=pk)
    try:
        count = services.confirm_provisional_attendance(
            session=session,
            by=request.user,
            user_id=form.cleaned_data["user"],
            correction_reason=form.cleaned_data["correction_reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s provisional attendance confirmed.",
                "%(count)s provisional attendances confirmed.",
                count,
            )
            % {"count": count},
        )
    return redirect("sessions:manage_attendance", slug=slug, pk=pk)


def _render_preview(request, session, preview, *, form=None, correction=None, status=200):
    certified = (
        holders_of_issued_records(session, [o.user.pk for o in preview.outcomes if not o.unchanged])
        if preview
        else {}
    )
    return render(
        request,
        "sessions/manage/attendance_import.html",
        {
            "session": session,
            "program": session.program,
            "form": form,
            "preview": preview,
            "members": list(selectors.members(session.program)),
            "certified": set(certified),
            "correction": correction or {},
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_report(request, slug, pk):
    """Upload a participant report and see exactly what would be stored; nothing is until confirmed."""
    session = get_session_for_coordinator(request.user, slug, pk)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        try:
            report = parse_zoom_report(text, zone=session.program.zone)
            preview = participant_report.preview_report(session=session, report=report)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            request.session[_REPORT_KEY.format(session.pk)] = {"text": text, "name": form.filename}
    return _render_preview(request, session, preview, form=form)


def show_report_preview(request, session, *, text: str, name: str):
    """The "match by hand" page for a participants report given as CSV text in Zoom's export
    format (an upload, or a report another app fetched): confirming it stores it like an upload.
    Raises ValidationError when the report cannot be imported."""
    report = parse_zoom_report(text, zone=session.program.zone)
    preview = participant_report.preview_report(session=session, report=report)
    request.session[_REPORT_KEY.format(session.pk)] = {"text": text, "name": name}
    return _render_preview(request, session, preview)


def _choices(post, prefix: str, count: int) -> dict[int, str]:
    return {i: post.get(f"{prefix}-{i}", "") for i in range(count) if f"{prefix}-{i}" in post}


@login_required
@require_POST
def import_report_confirm(request, slug, pk):
    """Store the previewed report; when the coordinator changed a match, preview again first,
    so that what is stored is always what was shown."""
    session = get_session_for_coordinator(request.user, slug, pk)
    stored = request.session.get(_REPORT_KEY.format(session.pk))
    if stored is None:
        messages.error(request, gettext("Upload the report again: the preview has expired."))
        return redirect("sessions:manage_attendance_import", slug=slug, pk=pk)
    report = parse_zoom_report(stored["text"], zone=session.program.zone)
    picked = _choices(request.POST, "match", len(report.people))
    chosen = {report.people[i].key: int(v) for i, v in picked.items() if v.isdigit()}
    reason = request.POST.get("correction_reason", "")[:300]
    try:
        if request.POST.get("action") == "preview" or picked != _choices(
            request.POST, "shown", len(report.people)
        ):
            preview = participant_report.preview_report(session=session, report=report, chosen=chosen)
            messages.info(request, gettext("Check the minutes below with the new matches, then store them."))
            return _render_preview(request, session, preview)
        result = participant_report.import_report(
            session=session,
            report=report,
            chosen=chosen,
            by=request.user,
            filename=stored["name"],
            correction_reason=reason,
        )
    except ValidationError as exc:
        if "correction_reason" in getattr(exc, "error_dict", {}):
            preview = participant_report.preview_report(session=session, report=report, chosen=chosen)
            correction = {"reason": reason, "error": " ".join(exc.messages)}
            return _render_preview(request, session, preview, correction=correction, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("sessions:manage_attendance", slug=slug, pk=pk)
    request.session.pop(_REPORT_KEY.format(session.pk), None)
    messages.success(request, _stored_message(result))
    return redirect("sessions:manage_attendance", slug=slug, pk=pk)


def _stored_message(result: dict) -> str:
    """What a stored participant report changed: who got attendance, whose hand-set minutes
    stayed, who was left out unmatched."""
    parts = [
        ngettext(
            "Attendance stored for %(count)s person.",
            "Attendance stored for %(count)s people.",
            result["stored"],
        )
        % {"count": result["stored"]}
    ]
    if result["kept"]:
        parts.append(gettext("%(count)s adjusted by hand kept.") % {"count": result["kept"]})
    if result["unmatched"]:
        parts.append(gettext("%(count)s unmatched left out.") % {"count": len(result["unmatched"])})
    return " ".join(parts)


@login_required
@require_POST
def decide_claim(request, slug, claim_pk):
    program = get_program_for_coordinator(request.user, slug)
    claim = get_object_or_404(
        AttendanceClaim.objects.select_related("session"), pk=claim_pk, session__program=program
    )
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, gettext("Choose Approve or Decline."))
        return redirect("sessions:manage_attendance", slug=slug, pk=claim.session_id)
    approve = decision == "approve"
    try:
        services.decide_claim(
            claim=claim, approve=approve, by=request.user, note=request.POST.get("note", "")[:300]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            gettext("Request approved: attendance updated.") if approve else gettext("Request declined."),
        )
    return redirect("sessions:manage_attendance", slug=slug, pk=claim.session_id)
