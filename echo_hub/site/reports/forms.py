from django import forms

from echo_hub.lib.forms import DateRangeMixin
from sessions.models import Cycle, Program

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class ReportFilterForm(DateRangeMixin, forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(),
        required=False,
        empty_label="All cycles",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(label="From", required=False, widget=DATE_INPUT)
    end = forms.DateField(label="To", required=False, widget=DATE_INPUT)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.filter(program=program).order_by("-start_date")
