from datetime import timedelta
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from echo_hub.deid.forms import IdentifierGuardMixin
from echo_hub.lib.forms import CountedTextarea, LongModelChoiceField, LongSelect, TextLimitsMixin, typed_id
from echo_hub.lib.text import TOO_LONG
from sessions.forms import session_label
from sessions.models import Session

from .library import LIBRARY_AWAITING, MmeBand
from .mme import DRUG_CHOICES
from .models import COMMENT_TEXT, LONG_TEXT, AgeBand, Case, CaseTag, FollowUp, RecommendationHeading
from .services import MedicationRow
from .services.letters import LETTER_HEADING_MAX


class CaseForm(TextLimitsMixin, IdentifierGuardMixin, forms.ModelForm):
    """The fields every case has, whatever its program's form; the form's own fields are
    cases.caseforms.build.AnswersForm."""

    guarded_fields = Case.CORE_TEXT_FIELDS
    vouchable = True

    class Meta:
        model = Case
        fields = [*Case.CORE_FIELDS, "attested_deidentified", "library_shared"]
        widgets = {
            name: CountedTextarea() for name in ("main_concern", "question_1", "question_2", "question_3")
        }
        help_texts = {
            "question_1": _("What do you want the hub to help you decide? At least one question is needed."),
        }
        labels = {
            "title": _("Title"),
            "age_band": _("Age band"),
            "main_concern": _("Main concern"),
        }

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_session"].queryset = Session.objects.filter(
            program=program, status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()
        ).order_by("starts_at")
        self.fields["requested_session"].label_from_instance = session_label
        self.fields["requested_session"].empty_label = _("Next available session")
        self.fields["requested_session"].label = _("Preferred session")


class MedicationForm(TextLimitsMixin, IdentifierGuardMixin, forms.Form):
    guarded_fields = ("drug_other", "schedule")

    drug = forms.ChoiceField(
        label=_("Drug"),
        choices=[("", "—"), *DRUG_CHOICES],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    drug_other = forms.CharField(
        label=_("Other drug"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    daily_dose = forms.DecimalField(
        label=_("Total daily dose"),
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        max_digits=8,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
    )
    schedule = forms.CharField(
        label=pgettext_lazy("dosing schedule", "Schedule"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("e.g. 10 mg q6h PRN")}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("drug") and cleaned.get("drug_other"):
            # A drug named but not chosen from the (opioid) list is "other", e.g. on a
            # hepatitis C form whose medication list has no MME.
            cleaned["drug"] = "other"
        drug, dose = cleaned.get("drug"), cleaned.get("daily_dose")
        if drug and dose is None:
            self.add_error("daily_dose", _("Give the total daily dose."))
        if dose is not None and not drug:
            self.add_error("drug", _("Choose the drug."))
        if drug == "other" and not cleaned.get("drug_other"):
            self.add_error("drug_other", _("Name the drug."))
        return cleaned

    def to_row(self) -> MedicationRow | None:
        data = self.cleaned_data
        if not data.get("drug"):
            return None
        return MedicationRow(
            drug=data["drug"],
            daily_dose=data["daily_dose"],
            drug_other=data["drug_other"],
            schedule=data["schedule"],
        )


def medication_formset(data=None, *, medications=(), prefix="medications", blank_rows: int = 3):
    initial = [
        {"drug": m.drug, "drug_other": m.drug_other, "daily_dose": m.daily_dose, "schedule": m.schedule}
        for m in medications
    ]
    formset = forms.formset_factory(MedicationForm, extra=blank_rows, max_num=12, absolute_max=12)
    return formset(data, initial=initial, prefix=prefix)


def medication_rows(formset) -> list[MedicationRow]:
    return [row for row in (form.to_row() for form in formset.forms) if row is not None]


class ReturnCaseForm(TextLimitsMixin, IdentifierGuardMixin, forms.Form):
    guarded_fields = ("comment",)
    comment = forms.CharField(
        max_length=COMMENT_TEXT,
        widget=CountedTextarea(),
        label=_("Comment"),
        help_text=_("The presenter sees this and can edit the case."),
    )


class AssignForm(forms.Form):
    session = forms.ModelChoiceField(queryset=Session.objects.none(), empty_label=None)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = session_label


class RecommendationsForm(IdentifierGuardMixin, forms.Form):
    """One text per heading of the case's form version (`headings`: label by key)."""

    def __init__(self, *args, headings: dict[str, str], **kwargs):
        self.guarded_fields = tuple(headings)
        super().__init__(*args, **kwargs)
        for value, label in headings.items():
            self.fields[value] = forms.CharField(
                label=label,
                required=False,
                max_length=LONG_TEXT,
                widget=CountedTextarea(),
                error_messages={"max_length": TOO_LONG},
            )


class LetterForm(IdentifierGuardMixin, forms.Form):
    """The letter's text as the coordinator confirms it: the experts' recommendations merged
    under each heading, editable, and a confirmation before it is sent."""

    confirm = forms.BooleanField(
        label=_("I have read the letter as it will be sent. Send it to the presenter."), required=False
    )

    def __init__(self, *args, headings: dict[str, str], **kwargs):
        self.guarded_fields = tuple(headings)
        super().__init__(*args, **kwargs)
        for value, label in headings.items():
            self.fields[value] = forms.CharField(
                label=label,
                required=False,
                max_length=LETTER_HEADING_MAX,
                # Headings nobody wrote under stay small: the letter's text is what matters here.
                widget=forms.Textarea(attrs={"rows": 6 if self.initial.get(value) else 2}),
                error_messages={"max_length": TOO_LONG},
            )
        self.order_fields([*headings, "confirm"])

    def texts(self) -> dict[str, str]:
        """Each heading's text as typed (or as merged, before anything is posted)."""
        if not self.is_bound:
            return {h: self.initial.get(h, "") for h in self.guarded_fields}
        return {h: str(self.data.get(h, "")).replace("\r\n", "\n") for h in self.guarded_fields}


class FollowUpForm(TextLimitsMixin, IdentifierGuardMixin, forms.ModelForm):
    guarded_fields = ("what_changed", "pain_change", "function_change", "recommendations_acted_on")
    present_again = forms.BooleanField(
        label=_("I would like to present this case again"),
        required=False,
        help_text=_("A follow-up presentation goes to the coordinators' queue, linked to this case."),
    )

    class Meta:
        model = FollowUp
        fields = ["what_changed", "pain_change", "function_change", "recommendations_acted_on"]
        widgets = {
            "what_changed": CountedTextarea(attrs={"rows": 4}),
            "recommendations_acted_on": CountedTextarea(),
        }
        labels = {
            "what_changed": _("What changed"),
            "pain_change": _("Pain change"),
            "function_change": _("Function change"),
            "recommendations_acted_on": _("Which recommendations did you act on?"),
        }


RECENT_SESSIONS = timedelta(days=183)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("All open")),
            *list(Case.Status.choices[1:]),
            (LIBRARY_AWAITING, _("Awaiting library screening")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    session = LongModelChoiceField(
        queryset=Session.objects.none(),
        required=False,
        empty_label=_("Any session"),
        widget=LongSelect(attrs={"class": "form-select"}),
        help_text=_("Sessions of the last six months and the coming ones."),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        # Only sessions with cases on their agenda (the others would filter the queue to
        # nothing), from the last six months on, and the one asked for: a program's years of
        # weekly sessions made a select of hundreds, drawn on every visit and of no use to read.
        # An older session's cases are on its agenda page.
        shown = Q(starts_at__gte=timezone.now() - RECENT_SESSIONS)
        chosen = typed_id(str(self.data.get("session", "")))
        if chosen is not None:
            shown |= Q(pk=chosen)
        self.fields["session"].queryset = (
            Session.objects.filter(shown, program=program, case_slots_taken__isnull=False)
            .distinct()
            .order_by("-starts_at")
            .only("title", "starts_at")  # what its label reads
        )
        self.fields["session"].label_from_instance = session_label


class LibrarySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(
            attrs={"class": "form-control", "placeholder": _("e.g. buprenorphine taper, sleep, fibromyalgia")}
        ),
    )
    heading = forms.ChoiceField(
        label=_("Recommendation heading"),
        required=False,
        choices=[("", _("Any heading")), *RecommendationHeading.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    mme_band = forms.ChoiceField(
        label=_("Opioid dose at presentation"),
        required=False,
        choices=[("", _("Any dose")), *MmeBand.CHOICES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        required=False,
        choices=[("", _("Any age")), *AgeBand.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    tag = forms.ModelChoiceField(
        queryset=CaseTag.objects.none(),
        required=False,
        label=_("Tag"),
        empty_label=_("Any tag"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, tags, headings: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = tags
        if headings is not None:
            self.fields["heading"].choices = [("", _("Any heading")), *headings.items()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "text": data["q"],
            "heading": data["heading"],
            "mme_band": data["mme_band"],
            "age_band": data["age_band"],
            "tag": data["tag"],
        }


class LibrarySharingForm(forms.Form):
    shared = forms.BooleanField(required=False)


class LibraryScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("publish", _("Publish to library")), ("keep_out", _("Keep out of library"))]
    )
    version = forms.CharField(max_length=64)


class CaseTagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        queryset=CaseTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Tags"),
        help_text=_("Untick a tag to take it off this case."),
    )
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        max_length=300,
        help_text=_("Separate tags with commas, e.g. “tapering, buprenorphine switch”. No patient details."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        tags = CaseTag.objects.filter(program=program).order_by("name")
        if tags.exists():
            self.fields["tags"].queryset = tags
        else:
            del self.fields["tags"]

    def clean_new_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["new_tags"].split(",")]
        too_long = [name for name in names if len(name) > 40]
        if too_long:
            raise forms.ValidationError(
                _("Keep each tag to 40 characters or fewer: “%(tag)s…”.") % {"tag": too_long[0][:40]}
            )
        return [name for name in names if name]
