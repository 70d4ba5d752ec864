from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from echo_hub.lib.forms import add_service_errors
from echo_hub.lib.pagination import paginate
from echo_hub.lib.storage import private_file_response

from .. import materials
from ..forms import LinkForm, MaterialSearchForm, SlidesForm
from ..models import Session, SessionMaterial
from ..permissions import get_material_for_member, get_program_for_member, get_session_for_material_editor


@login_required
@require_http_methods(["GET", "POST"])
def session_materials(request, slug, pk):
    session = get_session_for_material_editor(request.user, slug, pk)
    posted = request.POST.get("form") if request.method == "POST" else None
    slides_form = SlidesForm(
        request.POST if posted == "slides" else None, request.FILES or None, prefix="slides"
    )
    link_form = LinkForm(request.POST if posted == "link" else None, prefix="link")
    form = {"slides": slides_form, "link": link_form}.get(posted)
    if form is not None and form.is_valid():
        try:
            if posted == "slides":
                material = materials.add_slides(
                    session=session,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    uploaded_by=request.user,
                )
            else:
                material = materials.add_link(session=session, uploaded_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("“%(title)s” is added to %(session)s.")
                % {"title": material.title, "session": session.title},
            )
            return redirect("sessions:session_materials", slug=slug, pk=session.pk)
    return render(
        request,
        "sessions/session_materials.html",
        {
            "session": session,
            "program": session.program,
            "materials": list(session.materials.all()),
            "slides_form": slides_form,
            "link_form": link_form,
        },
    )


@login_required
@require_POST
def material_remove(request, slug, pk, material_pk):
    material = get_material_for_member(request.user, slug, pk, material_pk, write=True)
    materials.remove_material(material=material)
    messages.success(request, gettext("“%(title)s” is removed.") % {"title": material.title})
    return redirect("sessions:session_materials", slug=slug, pk=pk)


@login_required
@require_GET
def material_download(request, slug, pk, material_pk):
    material = get_material_for_member(request.user, slug, pk, material_pk)
    if not material.is_slides:
        raise Http404("Only slides are downloaded; links open where they point.")
    filename = f"{slugify(material.title) or 'slides'}-session-{material.session_id}.pdf"
    return private_file_response(material.file, filename=filename)


@login_required
@require_GET
def learning_library(request, slug):
    program, _ = get_program_for_member(request.user, slug)
    form = MaterialSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    didactics = (
        Session.objects.filter(program=program, starts_at__lte=timezone.now())
        .exclude(didactic_topic="")
        .exclude(status=Session.Status.CANCELLED)
        .select_related("presenter", "guest_presenter")
        .prefetch_related(Prefetch("materials", queryset=SessionMaterial.objects.order_by("kind", "pk")))
        .order_by("-starts_at", "-pk")
    )
    if query:
        didactics = didactics.filter(Q(title__icontains=query) | Q(didactic_topic__icontains=query))
    page = paginate(request, didactics, per_page=20)
    return render(
        request,
        "sessions/learning_library.html",
        {
            "program": program,
            "form": form,
            "query": query,
            "page": page,
            "extra_query": urlencode({"q": query}) if query else "",
        },
    )
