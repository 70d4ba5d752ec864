"""Manage › Accreditation: the program's credit types and the details its certificates print;
and the exports certifying bodies take."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.lib.csv_export import csv_response
from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.storage import private_file_response
from sessions.permissions import get_program_for_coordinator

from . import exports, services
from .forms import AccreditationForm, CreditExportForm, CreditTypeForm
from .models import CreditType
from .permissions import get_credit_type_for_coordinator
from .services.accreditation import (
    describe_rule,
    image_extension,
    profession_labels,
    professions_without_credit_type,
)

ACCREDITATION_IMAGES = ("logo", "signature")
CREDIT_EXPORTS = {
    "pars": (gettext_lazy("ACCME PARS learner data"), exports.PARS_HEADER, exports.pars_rows, "\t", "txt"),
    "mainpro": (
        gettext_lazy("Mainpro+ participant list"),
        exports.MAINPRO_HEADER,
        exports.mainpro_rows,
        ",",
        "csv",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def accreditation(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    current = services.accreditation_of(program)
    initial = {name: getattr(current, name) for name in services.accreditation.ACCREDITATION_FIELDS}
    form = AccreditationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_accreditation(
            program=program,
            by=request.user,
            fields=form.cleaned_data,
            images=form.images(),
            remove=form.removed(),
        )
        messages.success(
            request, _("Accreditation details saved. Certificates issued from now on print them.")
        )
        return redirect("cpd:accreditation", slug=slug)
    credit_types = list(CreditType.objects.filter(program=program))
    return render(
        request,
        "cpd/accreditation.html",
        {
            "program": program,
            "form": form,
            "accreditation": current,
            "credit_types": [(ct, profession_labels(ct), describe_rule(ct)) for ct in credit_types],
            "uncovered": professions_without_credit_type(program),
        },
    )


@login_required
@require_GET
def accreditation_image(request, slug, image):
    program = get_program_for_coordinator(request.user, slug)
    field = getattr(services.accreditation_of(program), image) if image in ACCREDITATION_IMAGES else None
    if not field:
        raise Http404("No such image.")
    with field.open("rb") as handle:
        ext = image_extension(handle.read(8))
    content_type = "image/jpeg" if ext == "jpg" else "image/png"
    return private_file_response(field, filename=f"{program.slug}-{image}.{ext}", content_type=content_type)


@login_required
@require_http_methods(["GET", "POST"])
def credit_type_create(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    form = CreditTypeForm(request.POST or None, instance=CreditType(program=program))
    if request.method == "POST" and form.is_valid():
        try:
            credit_type = services.create_credit_type(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Credit type “%(name)s” added.") % {"name": credit_type.name})
            return redirect("cpd:accreditation", slug=slug)
    return render(request, "cpd/credit_type_form.html", {"program": program, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def credit_type_edit(request, slug, pk):
    credit_type = get_credit_type_for_coordinator(request.user, slug, pk)
    form = CreditTypeForm(request.POST or None, instance=credit_type)
    if request.method == "POST" and form.is_valid():
        try:
            credit_type = services.update_credit_type(
                credit_type=credit_type, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Credit type “%(name)s” saved. Certificates already issued keep theirs.")
                % {"name": credit_type.name},
            )
            return redirect("cpd:accreditation", slug=slug)
    context = {"program": credit_type.program, "form": form, "credit_type": credit_type}
    return render(request, "cpd/credit_type_form.html", context)


@login_required
@require_POST
def credit_type_delete(request, slug, pk):
    credit_type = get_credit_type_for_coordinator(request.user, slug, pk)
    try:
        services.delete_credit_type(credit_type=credit_type, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Credit type “%(name)s” removed.") % {"name": credit_type.name})
    return redirect("cpd:accreditation", slug=slug)


@login_required
@require_GET
def export_credits(request, slug, kind):
    program = get_program_for_coordinator(request.user, slug)
    if kind not in CREDIT_EXPORTS:
        raise Http404("No such export.")
    title, header, rows_of, delimiter, ext = CREDIT_EXPORTS[kind]
    form = CreditExportForm(request.GET or None, program=program)
    if not request.GET or not form.is_valid():
        has_types = form.fields["credit_type"].queryset.exists()
        context = {
            "program": program,
            "form": form,
            "title": title,
            "kind": kind,
            "has_credit_types": has_types,
        }
        return render(request, "cpd/export_credits.html", context)
    rows = rows_of(program, sessions=form.sessions(), credit_type=form.cleaned_data["credit_type"])
    return csv_response(f"{program.slug}-{kind}.{ext}", header, rows, delimiter=delimiter)
