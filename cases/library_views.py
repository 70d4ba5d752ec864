"""Pages of the case library: searching it, reading a case, tagging, the presenter's
agreement to share a case and the coordinator's screening before it is published."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.audit.services import Action, record
from echo_hub.deid.forms import highlight
from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.pagination import paginate
from sessions.models import Role
from sessions.permissions import get_program_for_member, member_programs

from . import library as case_library
from . import services
from .caseforms.definition import has_attachments, heading_labels
from .caseforms.display import answer_sections
from .deid import FIX_ADVICE, KIND_LABELS, find_identifiers
from .forms import CaseTagsForm, LibraryScreeningForm, LibrarySearchForm, LibrarySharingForm
from .models import Case, CaseTag
from .permissions import get_case_for_coordinator, get_case_for_presenter


@login_required
@require_GET
def library_index(request):
    programs = list(member_programs(request.user).order_by("name"))
    if len(programs) == 1:
        return redirect("cases:library", slug=programs[0].slug)
    return render(request, "cases/library_index.html", {"programs": programs})


@login_required
@require_GET
def library_search(request, slug):
    program, role = get_program_for_member(request.user, slug)
    form = LibrarySearchForm(
        request.GET or None,
        tags=CaseTag.objects.filter(program=program).order_by("name"),
        headings=heading_labels(services.current_definition(program)),
    )
    page = paginate(request, case_library.library_cases(program, **form.filters()), per_page=20)
    for case in page:
        case.heading_labels = case_library.headings_in_order(case)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/library.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "searched": any(form.filters().values()),
            "show_presenter_name": case_library.shows_presenter_name(role),
            "extra_query": query.urlencode(),
        },
    )


@login_required
@require_GET
def library_case(request, slug, pk):
    program, role = get_program_for_member(request.user, slug)
    case = case_library.library_case(program, pk)
    if case is None:
        raise Http404(_("No such case in the library."))
    record(Action.CASE_VIEWED, actor=request.user, obj=case, request=request, extra={"via": "library"})
    medications = list(case.medications.all())
    original = [m for m in medications if m.follow_up_id is None]
    follow_ups = list(case.follow_ups.all())
    for follow_up in follow_ups:
        follow_up.total_mme = services.total_mme([m for m in medications if m.follow_up_id == follow_up.pk])
    earlier = case.follow_up_of
    return render(
        request,
        "cases/library_case.html",
        {
            "program": program,
            "case": case,
            "answer_sections": _answer_sections(case),
            "medications": original,
            "total_mme": services.total_mme(original),
            "follow_ups": follow_ups,
            "by_heading": _by_heading(case, list(case.recommendations.all())),
            "tags": list(case.tags.all()),
            "earlier_in_library": earlier is not None and case_library.is_in_library(earlier),
            "show_presenter_name": case_library.shows_presenter_name(role),
            "is_coordinator": role == Role.COORDINATOR,
        },
    )


def _answer_sections(case: Case) -> list:
    definition = services.case_definition(case)
    attachments = list(case.attachments.all()) if has_attachments(definition) else []
    return answer_sections(definition, case, attachments=attachments)


def _by_heading(case: Case, items: list) -> list[tuple[str, list]]:
    return [
        (label, [item for item in items if item.heading == value])
        for value, label in heading_labels(services.case_definition(case)).items()
        if any(item.heading == value for item in items)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def case_tags(request, pk):
    case = get_case_for_coordinator(request.user, pk)
    form = CaseTagsForm(request.POST or None, program=case.program, initial={"tags": list(case.tags.all())})
    in_library = case_library.is_in_library(case)
    if request.method == "POST" and form.is_valid():
        try:
            tags = case_library.set_case_tags(
                case=case, tags=form.cleaned_data.get("tags", []), new_names=form.cleaned_data["new_tags"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if tags:
                names = ", ".join(t.name for t in tags)
                messages.success(request, _("Library tags saved: %(names)s.") % {"names": names})
            else:
                messages.success(request, _("Library tags saved: none."))
            if in_library:
                return redirect("cases:library_case", slug=case.program.slug, pk=case.pk)
            return redirect(case)
    return render(
        request,
        "cases/library_tags.html",
        {"case": case, "program": case.program, "form": form, "in_library": in_library},
    )


@login_required
@require_POST
def case_library_sharing(request, pk):
    case = get_case_for_presenter(request.user, pk)
    form = LibrarySharingForm(request.POST)
    shared = form.is_valid() and form.cleaned_data["shared"]
    try:
        case_library.set_library_sharing(case=case, by=request.user, shared=shared)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if shared:
            messages.success(
                request,
                _(
                    "Thank you: once presented, and after a coordinator has screened the recommendations, "
                    "this case will be in the program's case library."
                ),
            )
        else:
            messages.success(request, _("This case will not be shared in the case library."))
    return redirect(case)


@login_required
@require_http_methods(["GET", "POST"])
def case_library_screen(request, pk):
    case = get_case_for_coordinator(request.user, pk)
    if request.method == "POST":
        form = LibraryScreeningForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose “Publish to library” or “Keep out of library”."))
            return redirect("cases:library_screen", pk=case.pk)
        publish = form.cleaned_data["decision"] == "publish"
        try:
            case_library.screen_case_for_library(
                case=case, by=request.user, publish=publish, version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cases:library_screen", pk=case.pk)
        if publish:
            done = _("“%(title)s” is published in the case library.")
        else:
            done = _("“%(title)s” is kept out of the case library.")
        messages.success(request, done % {"title": case.title})
        return redirect(reverse("cases:queue", args=[case.program.slug]) + "?status=library")
    return render(request, "cases/library_screen.html", _screening_context(case))


def _screening_context(case: Case) -> dict:
    recommendations = list(case.recommendations.select_related("author"))
    found = 0
    for item in recommendations:
        findings = find_identifiers(item.text)
        found += len(findings)
        item.highlighted = highlight(item.text, findings)
        item.findings = [
            (f.text, KIND_LABELS.get(f.kind, f.kind), FIX_ADVICE.get(f.kind, "")) for f in findings
        ]
    return {
        "case": case,
        "program": case.program,
        "by_heading": _by_heading(case, recommendations),
        "found": found,
        "version": case_library.recommendations_version(case),
        "screenable": case.library_shared and case.status in case_library.LIBRARY_STATUSES,
        "in_library": case_library.is_in_library(case),
    }
