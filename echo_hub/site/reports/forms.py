from django import forms
from django.utils.translation import gettext_lazy as _

from echo_hub.lib.forms import DateRangeMixin, LongModelChoiceField, LongSelect
from sessions.models import Cycle, Program

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class ReportFilterForm(DateRangeMixin, forms.Form):
    # A program of many years has dozens of cycles: drawn in Python, not option by option.
    cycle = LongModelChoiceField(
        queryset=Cycle.objects.none(),
        required=False,
        label=_("Cycle"),
        empty_label=_("All cycles"),
        widget=LongSelect(attrs={"class": "form-select"}),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.filter(program=program).order_by("-start_date")
