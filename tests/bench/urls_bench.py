"""The product's URLs plus one baseline page: the floor every page's throughput is compared to."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from echo_hub.urls import urlpatterns as product_urlpatterns
from sessions.models import Program


@login_required
def baseline(request):
    """One query and no template: what the stack (gunicorn, middleware, session, user) costs."""
    return HttpResponse(f"programs={Program.objects.count()}", content_type="text/plain")


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *product_urlpatterns]
