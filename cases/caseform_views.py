"""The coordinator's case form editor: choose a template, adjust sections, fields and
recommendation headings; saving writes a new version (cases already written keep theirs)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sessions.permissions import get_program_for_coordinator

from . import services
from .caseforms.editor import field_rows, headings_text, moved, parse_headings, sections_from_rows
from .caseforms.templates_builtin import TEMPLATE_CHOICES


class TemplateChoiceForm(forms.Form):
    template = forms.ChoiceField(label=gettext_lazy("Template"), choices=TEMPLATE_CHOICES)


class HeadingsForm(forms.Form):
    headings = forms.CharField(
        label=gettext_lazy("Recommendation headings"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One a line, in the letter's order: key | Label. Keep a key to keep what was written under it."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_form_editor(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    version = services.current_form_version(program)
    action = request.POST.get("action", "save")
    choose = TemplateChoiceForm(
        request.POST if action == "template" else None,
        initial={"template": version.definition.get("template", "blank")},
    )
    if action == "template" and choose.is_valid():
        template = choose.cleaned_data["template"]
        services.start_from_template(program=program, template=template, by=request.user)
        messages.success(request, _("The program's case form now starts from this template."))
        return redirect("cases:form_editor", slug=program.slug)
    data = request.POST if request.method == "POST" and action == "save" else None
    if data is not None and "move" in data:
        data = moved(data, data["move"])
    rows = field_rows(data, definition=version.full_definition)
    headings = HeadingsForm(data, initial={"headings": headings_text(version.headings)})
    if data is not None and "move" not in data and (rows.is_valid() & headings.is_valid()):
        try:
            saved = services.save_form_version(
                program=program,
                sections=sections_from_rows(rows),
                headings=parse_headings(headings.cleaned_data["headings"]),
                template=version.definition.get("template", "blank"),
                by=request.user,
            )
        except ValidationError as exc:
            headings.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Saved as version %(number)s. Cases already written keep the form they were written with.")
                % {"number": saved.number},
            )
            return redirect("cases:form_editor", slug=program.slug)
    context = {"program": program, "version": version, "choose": choose, "rows": rows, "headings": headings}
    return render(request, "cases/case_form_editor.html", context)
