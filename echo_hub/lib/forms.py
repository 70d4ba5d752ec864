from django.core.exceptions import ValidationError


class DateRangeMixin:
    """Optional `start` and `end` date fields: the end may not come before the start."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date.")
        return cleaned


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: at its field when the form has one,
    at the top otherwise, so the user's input stays and the message says what to fix."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
