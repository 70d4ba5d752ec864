import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.pagination import paginate
from echo_hub.lib.ratelimit import ratelimit
from echo_hub.lib.renders import MAX_RENDER_ATTEMPTS
from echo_hub.lib.storage import private_file_response
from sessions.models import Cycle, Session
from sessions.permissions import get_program_for_coordinator, get_session_for_member

from . import issue_views, selectors, services
from .forms import (
    EvaluationForm,
    ExportForm,
    RevokeForm,
    TranscriptYearForm,
)
from .models import Certificate, Evaluation
from .permissions import (
    get_certificate_for_coordinator,
    get_certificate_for_user,
)

# Codes are URL-safe tokens (new_certificate_code). Anything else, such as a slash or a NUL
# byte that PostgreSQL refuses in a query, is no code of ours.
VERIFICATION_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit("evaluate")
def evaluate(request, slug, pk):
    session, _enrollment = get_session_for_member(request.user, slug, pk)
    if Evaluation.objects.filter(session=session, user=request.user).exists():
        messages.info(request, _("You have already evaluated this session. Thank you!"))
        return redirect("cpd:transcript")
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evaluation(session=session, user=request.user, fields=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("cpd:transcript")
    findings = list(getattr(form, "identifier_findings", {}).values())
    context = {"session": session, "program": session.program, "form": form, "findings": findings}
    context["closes_at"] = services.evaluation_closes_at(session)
    try:
        services.require_evaluation_open(session)
    except ValidationError as exc:
        context["closed_because"] = " ".join(exc.messages)
    return render(request, "cpd/evaluate.html", context)


@login_required
@require_GET
def transcript(request):
    """One year of the transcript at a time, the latest by default (?year= picks another); the
    downloads hold every year."""
    years = selectors.transcript_years(request.user)
    year = years[0] if years else None
    if "year" in request.GET:
        form = TranscriptYearForm(request.GET, years=years)
        if not form.is_valid():
            raise Http404("No sessions in that year.")
        year = form.cleaned_data["year"]
    context = {
        "years": years,
        "year": year,
        "groups": selectors.transcript(request.user, year=year) if year else [],
        "cycle_certificates": selectors.cycle_certificates(request.user),
    }
    return render(request, "cpd/transcript.html", context)


@login_required
@require_POST
@ratelimit("evaluate")
def claim_session_certificate(request, slug, pk):
    session, _enrollment = get_session_for_member(request.user, slug, pk)
    try:
        services.issue_session_certificate(user=request.user, session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your certificate is being prepared; it will be ready in a moment."))
    return redirect("cpd:transcript")


@login_required
@require_GET
def certificate_download(request, pk):
    certificate = get_certificate_for_user(request.user, pk)
    if certificate.render_status != Certificate.RenderStatus.READY:
        raise Http404("The certificate is not ready yet.")
    return private_file_response(certificate.file, filename=f"echo-certificate-{certificate.code[:10]}.pdf")


@require_GET
def verify_lookup(request):
    code = request.GET.get("code", "").strip()
    if code and VERIFICATION_CODE.fullmatch(code):
        return redirect("cpd:verify", code=code)
    error = (
        _("That is not a verification code: codes have only letters, digits, “-” and “_”.") if code else ""
    )
    return render(request, "cpd/verify_lookup.html", {"error": error})


@require_GET
@ratelimit("verify")
def verify(request, code):
    certificate = (
        Certificate.objects.select_related("user", "session__program", "cycle__program", "superseded_by")
        .filter(code=code)
        .first()
        if VERIFICATION_CODE.fullmatch(code)
        else None
    )
    if certificate is None:
        # A page of its own: whoever typed the code can correct it and try again.
        return render(request, "cpd/verify_unknown.html", {"code": code[:64]}, status=404)
    return render(
        request, "cpd/verify.html", {"certificate": certificate, "context": _verify_facts(certificate)}
    )


def _verify_facts(certificate: Certificate) -> dict:
    program = certificate.program
    if certificate.session_id:
        dates = date_format(certificate.session.starts_at.astimezone(program.zone).date(), "j F Y")
    else:
        cycle = certificate.cycle
        dates = date_format(cycle.start_date, "j F Y")
        if cycle.end_date:
            dates += " – " + date_format(cycle.end_date, "j F Y")
    return {
        "name": certificate.holder_name or certificate.user.full_name,
        "program": program.name,
        "dates": dates,
    }


@login_required
@require_GET
def manage_certificates(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    now = timezone.now()
    sessions = Session.objects.filter(
        program=program, ends_at__lt=now, status=Session.Status.SCHEDULED
    ).order_by("-starts_at")
    return render(
        request,
        "cpd/manage_certificates.html",
        {
            "program": program,
            "sessions": paginate(request, sessions, per_page=10, param="sessions_page"),
            "cycles": list(selectors.cycles_with_last_end(program)),
            "now": now,
            "certificates": paginate(request, selectors.program_certificates(program)),
            "failed": list(selectors.failed_certificates(program)[:50]),
            "max_attempts": MAX_RENDER_ATTEMPTS,
        },
    )


@login_required
@require_POST
def certificate_retry(request, slug, pk):
    certificate = get_certificate_for_coordinator(request.user, slug, pk)
    try:
        services.retry_certificate_render(certificate=certificate)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The certificate of %(person)s is being made again.") % {"person": certificate.user}
        )
    return redirect("cpd:manage_certificates", slug=slug)


@login_required
@require_POST
def bulk_issue(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    started = timezone.now()
    if request.POST.get("cycle"):
        cycle = get_object_or_404(Cycle, program=program, pk=request.POST["cycle"])
        try:
            result = services.bulk_issue_for_cycle(cycle=cycle, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cpd:manage_certificates", slug=program.slug)
        target, issued_for = {"cycle": cycle.pk}, cycle
    else:
        session = get_object_or_404(Session, program=program, pk=request.POST.get("session") or 0)
        result = services.bulk_issue_for_session(session=session, by=request.user)
        target, issued_for = {"session": session.pk}, session
    issue_views.remember_run(request, target=issued_for, started=started)
    issue_views.say_issued(request, issued=result["issued"], existing=result["existing"])
    query = "&".join(f"{k}={v}" for k, v in target.items())
    return redirect(f"{reverse('cpd:progress', args=[program.slug])}?{query}")


def _progress_target(request, program):
    if request.GET.get("cycle", "").isdigit():
        cycles = Cycle.objects.select_related("program")
        return {"cycle": get_object_or_404(cycles, program=program, pk=request.GET["cycle"])}
    if request.GET.get("session", "").isdigit():
        sessions = Session.objects.select_related("program")
        return {"session": get_object_or_404(sessions, program=program, pk=request.GET["session"])}
    raise Http404("Choose a session or cycle.")


@login_required
@require_GET
def progress(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    target = _progress_target(request, program)
    context = {"program": program, **target, "progress": selectors.certificate_progress(**target)}
    if request.headers.get("HX-Request"):
        return render(request, "cpd/progress_panel.html", context)
    context |= issue_views.missed_context(request, **target)
    return render(request, "cpd/progress.html", context)


@login_required
@require_POST
def reissue(request, pk):
    certificate = get_certificate_for_user(request.user, pk, write=True)
    reason = request.POST.get("reason", "")[:300]
    try:
        current = services.reissue_certificate(certificate=certificate, by=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if current.pk == certificate.pk:
            messages.success(request, _("The certificate is being reissued, marked DUPLICATE."))
        else:
            messages.success(
                request, _("A new certificate with a new code replaces it; the old code now says so.")
            )
    return redirect("cpd:manage_certificates", slug=certificate.program.slug)


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk):
    certificate = get_certificate_for_user(request.user, pk, write=True)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.revoke_certificate(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The certificate is revoked. Its verification page now says so."))
        return redirect("cpd:manage_certificates", slug=certificate.program.slug)
    return render(
        request, "cpd/revoke.html", {"certificate": certificate, "form": form, "program": certificate.program}
    )


@login_required
@require_GET
def export_attendance(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    form = ExportForm(request.GET or None, program=program)
    if not request.GET or not form.is_valid():
        return render(request, "cpd/export.html", {"program": program, "form": form})
    rows = selectors.attendance_export_table(program, sessions=form.sessions())
    return csv_response(f"{program.slug}-attendance.csv", selectors.ATTENDANCE_EXPORT_HEADER, rows)
