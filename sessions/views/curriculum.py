from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..curriculum import CurriculumError, cycle_sessions, possible_presenters, save_curriculum
from ..curriculum_csv import parse_curriculum, template_csv
from ..curriculum_forms import CurriculumFormSet, CurriculumUploadForm, session_initial
from ..permissions import get_cycle_for_coordinator

_IMPORT_SESSION_KEY = "curriculum-import-{}"


def _saved(count: int) -> str:
    return ngettext(
        "Curriculum saved: %(count)s session changed.", "Curriculum saved: %(count)s sessions changed.", count
    ) % {"count": count}


def _imported(count: int) -> str:
    return ngettext(
        "Curriculum imported: %(count)s session changed.",
        "Curriculum imported: %(count)s sessions changed.",
        count,
    ) % {"count": count}


@login_required
@require_http_methods(["GET", "POST"])
def curriculum(request, slug, pk):
    cycle = get_cycle_for_coordinator(request.user, slug, pk)
    sessions = list(cycle_sessions(cycle))
    choices = [(u.pk, u.name_with_credentials) for u in possible_presenters(cycle.program)]
    formset = CurriculumFormSet(
        request.POST or None,
        initial=[session_initial(s) for s in sessions],
        form_kwargs={"presenter_choices": choices},
        prefix="row",
    )
    if request.method == "POST" and formset.is_valid():
        try:
            changed = save_curriculum(cycle=cycle, rows=[form.row() for form in formset], by=request.user)
        except CurriculumError as exc:
            by_session = {form.cleaned_data["session_id"]: form for form in formset}
            for session_id, fields in exc.rows.items():
                form = by_session[session_id]
                for name, errors in fields.items():
                    form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _saved(len(changed)))
            return redirect("sessions:manage_curriculum", slug=slug, pk=cycle.pk)
    by_pk = {s.pk: s for s in sessions}
    rows = [(form, by_pk.get(_session_id(form))) for form in formset]
    context = {"program": cycle.program, "cycle": cycle, "formset": formset, "rows": rows}
    return render(request, "sessions/manage/curriculum.html", context)


def _session_id(form) -> int | None:
    value = form["session_id"].value()
    return int(value) if str(value).isdigit() else None


@login_required
@require_GET
def curriculum_template(request, slug, pk):
    cycle = get_cycle_for_coordinator(request.user, slug, pk)
    body = template_csv(cycle_sessions(cycle), cycle.program.zone)
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="curriculum-{cycle.program.slug}-{cycle.pk}.csv"'
    return response


def _report(cycle, text: str):
    sessions = {s.number: s for s in cycle_sessions(cycle)}
    presenters = {u.email.lower(): u.pk for u in possible_presenters(cycle.program)}
    return parse_curriculum(text, sessions=sessions, presenters=presenters, zone=cycle.program.zone)


@login_required
@require_http_methods(["GET", "POST"])
def curriculum_import(request, slug, pk):
    """Upload a curriculum CSV and see every row and every problem; nothing is saved yet."""
    cycle = get_cycle_for_coordinator(request.user, slug, pk)
    form = CurriculumUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = _report(cycle, form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            key = _IMPORT_SESSION_KEY.format(cycle.pk)
            if report.errors:
                request.session.pop(key, None)
            else:
                request.session[key] = form.cleaned_data["file"]
    context = {"program": cycle.program, "cycle": cycle, "form": form, "report": report}
    return render(request, "sessions/manage/curriculum_import.html", context)


@login_required
@require_POST
def curriculum_import_confirm(request, slug, pk):
    cycle = get_cycle_for_coordinator(request.user, slug, pk)
    text = request.session.pop(_IMPORT_SESSION_KEY.format(cycle.pk), None)
    if text is None:
        messages.error(request, gettext("Upload the curriculum file again: the preview has expired."))
        return redirect("sessions:manage_curriculum_import", slug=slug, pk=cycle.pk)
    try:
        report = _report(cycle, text)
        if report.errors:
            raise ValidationError(
                gettext("The sessions of the cycle changed since the preview; check the file again.")
            )
        changed = save_curriculum(cycle=cycle, rows=report.rows, by=request.user, source="csv")
    except ValidationError as exc:
        messages.error(
            request, gettext("Nothing was imported. %(problems)s") % {"problems": " ".join(exc.messages)}
        )
        return redirect("sessions:manage_curriculum_import", slug=slug, pk=cycle.pk)
    messages.success(request, _imported(len(changed)))
    return redirect("sessions:manage_curriculum", slug=slug, pk=cycle.pk)
