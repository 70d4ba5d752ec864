from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from echo_hub.lib.forms import DateRangeMixin

from .models import AuditEvent

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class AuditFilterForm(DateRangeMixin, forms.Form):
    action = forms.ChoiceField(
        required=False,
        choices=[("", _("All actions")), *AuditEvent.Action.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    actor = forms.CharField(
        label=_("Who (email contains)"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    start = forms.DateField(label=pgettext_lazy("date", "From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=pgettext_lazy("date", "To"), required=False, widget=DATE_INPUT)

    def filters(self) -> dict:
        """The valid filters as selector arguments; dates cover whole days in the viewer's zone."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        start = end = None
        if data["start"]:
            start = datetime.combine(data["start"], time.min, tzinfo=zone)
        if data["end"]:
            end = datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=zone)
        return {"action": data["action"], "actor": data["actor"].strip(), "start": start, "end": end}
