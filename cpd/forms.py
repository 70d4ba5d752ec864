from datetime import datetime, time

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from echo_hub.accounts.models import Profession
from echo_hub.deid.forms import IdentifierGuardMixin
from sessions.forms import session_label
from sessions.models import Cycle, Session

from .models import CreditType, Evaluation, SurveyQuestion
from .services.accreditation import check_image

SCALE = [(i, str(i)) for i in range(1, 6)]


class EvaluationForm(IdentifierGuardMixin, forms.ModelForm):
    guarded_fields = Evaluation.TEXT_FIELDS

    relevance = forms.TypedChoiceField(
        label=_("How relevant was this session to your practice?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = very relevant"),
    )
    quality = forms.TypedChoiceField(
        label=_("How would you rate the quality of the session?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = poor, 5 = excellent"),
    )
    # Declared here: the model field has no default, so Django would add a "---------" radio.
    objectives_met = forms.ChoiceField(
        label=_("Were the session's learning objectives met?"),
        choices=Evaluation.ObjectivesMet.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Evaluation
        fields = ["relevance", "quality", "objectives_met", "commitment_to_change", "comments"]
        labels = {"comments": _("Comments")}
        widgets = {
            "commitment_to_change": forms.Textarea(attrs={"rows": 3}),
            "comments": forms.Textarea(attrs={"rows": 3}),
        }


class TranscriptYearForm(forms.Form):
    """?year= of the transcript: one of the years it has sessions in."""

    year = forms.TypedChoiceField(coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class CloseCycleForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept with the cycle and shown in its audit trail, e.g. “Program paused after session 12”."
        ),
        error_messages={"required": _("Say why the cycle closes early: accreditation audits ask.")},
    )


class ExportForm(forms.Form):
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(), required=False, label=_("Session"), empty_label=_("All sessions")
    )
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(), required=False, label=_("Cycle"), empty_label=_("All cycles")
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["session"].queryset = Session.objects.filter(program=program).order_by("starts_at", "pk")
        self.fields["session"].label_from_instance = session_label
        self.fields["cycle"].queryset = Cycle.objects.filter(program=program)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned

    def sessions(self) -> QuerySet[Session]:
        """The program's held sessions the chosen filters select (dates in the program's zone)."""
        data, zone = self.cleaned_data, self.program.zone
        sessions = Session.objects.filter(program=self.program, status=Session.Status.SCHEDULED)
        if data["session"]:
            sessions = sessions.filter(pk=data["session"].pk)
        if data["cycle"]:
            sessions = sessions.filter(cycle=data["cycle"])
        if data["start"]:
            sessions = sessions.filter(starts_at__gte=datetime.combine(data["start"], time.min, tzinfo=zone))
        if data["end"]:
            sessions = sessions.filter(starts_at__lte=datetime.combine(data["end"], time.max, tzinfo=zone))
        return sessions


class CreditExportForm(ExportForm):
    """The sessions to export and the credit type the certifying body takes."""

    field_order = ["credit_type", "session", "cycle", "start", "end"]

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, program=program, **kwargs)
        self.fields["credit_type"] = forms.ModelChoiceField(
            queryset=CreditType.objects.filter(program=program),
            label=_("Credit type"),
            empty_label=None,
            help_text=_("Only people who earned credits of this type are listed."),
        )
        self.order_fields(self.field_order)


class CreditTypeForm(forms.ModelForm):
    professions = forms.MultipleChoiceField(
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People of these professions get this credit type; each profession gets one. "
            "Professions with none get a certificate of attendance in hours."
        ),
    )

    class Meta:
        model = CreditType
        fields = [
            "name",
            "professions",
            "credits_per_hour",
            "rounding_step",
            "max_per_session",
            "statement",
            "print_objectives",
        ]
        widgets = {"statement": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "name": _("Name"),
            "professions": _("Professions"),
            "credits_per_hour": _("Credits per hour"),
            "rounding_step": _("Rounding step"),
        }
        help_texts = {
            "statement": _(
                "Word for word as the certifying body requires, e.g. “This one-credit-per-hour "
                "Group Learning program meets the certification criteria of the College of Family "
                "Physicians of Canada…”."
            ),
        }

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def validate_unique(self) -> None:
        """The service says which name or profession is taken, in words."""


class AccreditationForm(forms.Form):
    provider_name = forms.CharField(
        label=_("Accredited provider"),
        max_length=200,
        required=False,
        help_text=_("The organization certified to give the credits, e.g. “University of Toronto CPD”."),
    )
    hub_name = forms.CharField(
        label=_("Hub name"),
        max_length=200,
        required=False,
        help_text=_("Printed at the top of certificates, e.g. “ECHO Ontario”."),
    )
    signatory_name = forms.CharField(
        label=_("Signatory"), max_length=150, required=False, help_text=_("Who signs the certificates.")
    )
    signatory_title = forms.CharField(
        label=_("Signatory's title"),
        max_length=150,
        required=False,
        help_text=_("For example “Medical Director, ECHO Ontario Chronic Pain”."),
    )
    attendance_statement = forms.CharField(
        label=_("Statement on certificates of attendance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For professions without a credit type, whose certificate counts the hours attended."),
    )
    contact_address = forms.CharField(
        label=_("Postal address"),
        max_length=300,
        required=False,
        help_text=_("Printed with the phone, email and website in the letterhead of recommendation letters."),
    )
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 1,000 kB. Printed above the hub's name."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    signature = forms.FileField(
        label=_("Signature image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 1,000 kB, on a white or transparent background."),
    )
    remove_signature = forms.BooleanField(label=_("Remove the signature image"), required=False)

    def clean_logo(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        return check_image(upload, what="logo") if upload else None

    def clean_signature(self) -> bytes | None:
        upload = self.cleaned_data.get("signature")
        return check_image(upload, what="signature") if upload else None

    def images(self) -> dict[str, bytes]:
        return {name: self.cleaned_data[name] for name in ("logo", "signature") if self.cleaned_data[name]}

    def removed(self) -> list[str]:
        return [name for name in ("logo", "signature") if self.cleaned_data[f"remove_{name}"]]


LIKERT_SCALE = [
    (1, _("1 Strongly disagree")),
    (2, _("2 Disagree")),
    (3, _("3 Neutral")),
    (4, _("4 Agree")),
    (5, _("5 Strongly agree")),
]


class SurveyQuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of question"), choices=SurveyQuestion.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a single-choice question only: one choice per line, at least two."),
    )

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == SurveyQuestion.Kind.CHOICE and len(cleaned.get("choices") or []) < 2:
            self.add_error("choices", _("Write at least two choices, one per line."))
        return cleaned


class SurveyAnswerForm(IdentifierGuardMixin, forms.Form):
    """One field per question, named q_<pk>; free-text answers pass the identifier guard."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.guarded_fields = tuple(f"q_{q.pk}" for q in questions if q.kind == SurveyQuestion.Kind.TEXT)
        for q in questions:
            self.fields[f"q_{q.pk}"] = _answer_field(q)

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}


def _answer_field(question: SurveyQuestion) -> forms.Field:
    label = question.text
    if question.kind == SurveyQuestion.Kind.LIKERT:
        return forms.TypedChoiceField(label=label, choices=LIKERT_SCALE, coerce=int, widget=forms.RadioSelect)
    if question.kind == SurveyQuestion.Kind.CHOICE:
        return forms.ChoiceField(
            label=label, choices=[(c, c) for c in question.choices], widget=forms.RadioSelect
        )
    if question.kind == SurveyQuestion.Kind.NUMBER:
        return forms.DecimalField(label=label, min_value=0, max_digits=10, decimal_places=2)
    return forms.CharField(
        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
