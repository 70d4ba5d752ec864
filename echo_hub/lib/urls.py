from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, **kwargs) -> str:
    """An absolute URL for emails and calendar feeds, built from SITE_URL."""
    return settings.SITE_URL + reverse(viewname, kwargs=kwargs or None)
