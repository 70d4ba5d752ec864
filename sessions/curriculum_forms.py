"""The curriculum table (one form per session of a cycle) and the curriculum CSV upload."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .curriculum import GUEST_MAX, MAX_OBJECTIVES_CHARS, TOPIC_MAX, CurriculumRow, clean_row, row_problems
from .curriculum_csv import read_curriculum


class CurriculumRowForm(forms.Form):
    session_id = forms.IntegerField(widget=forms.HiddenInput)
    didactic_topic = forms.CharField(label=_("Didactic topic"), max_length=TOPIC_MAX, required=False)
    presenter = forms.TypedChoiceField(
        label=_("Presenter (member)"), coerce=int, empty_value=None, required=False
    )
    guest_name = forms.CharField(
        label=_("Guest presenter"), max_length=GUEST_MAX["guest_name"], required=False
    )
    guest_profession = forms.CharField(
        label=_("Guest's profession"), max_length=GUEST_MAX["guest_profession"], required=False
    )
    guest_affiliation = forms.CharField(
        label=_("Guest's affiliation"), max_length=GUEST_MAX["guest_affiliation"], required=False
    )
    learning_objectives = forms.CharField(
        label=_("Learning objectives"),
        max_length=MAX_OBJECTIVES_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One objective per line."),
    )

    def __init__(self, *args, presenter_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].choices = [("", gettext("Guest or not yet chosen")), *presenter_choices]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for name, messages in row_problems(self.row()).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def row(self) -> CurriculumRow:
        data = self.cleaned_data
        return clean_row(
            CurriculumRow(
                session_id=data["session_id"],
                didactic_topic=data["didactic_topic"],
                presenter_id=data["presenter"],
                guest_name=data["guest_name"],
                guest_profession=data["guest_profession"],
                guest_affiliation=data["guest_affiliation"],
                learning_objectives=data["learning_objectives"],
            )
        )


CurriculumFormSet = forms.formset_factory(CurriculumRowForm, extra=0, max_num=200, validate_max=True)


def session_initial(session) -> dict:
    guest = session.guest_presenter
    return {
        "session_id": session.pk,
        "didactic_topic": session.didactic_topic,
        "presenter": session.presenter_id,
        "guest_name": guest.name if guest else "",
        "guest_profession": guest.profession if guest else "",
        "guest_affiliation": guest.affiliation if guest else "",
        "learning_objectives": session.learning_objectives,
    }


class CurriculumUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Curriculum CSV"),
        help_text=_("Start from the template: one line per session of the cycle. UTF-8, at most 500 kB."),
    )

    def clean_file(self) -> str:
        return read_curriculum(self.cleaned_data["file"])
