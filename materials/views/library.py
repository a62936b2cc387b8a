"""The library's pages: the list (each person sees what materials.permissions lets them), a
material's page with its versions, a new material from a working group, a new version, the
Secretariat's review, withdrawal and its own tools, and the versions' downloads. Anybody who
may not see a material gets 404, never 403."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.accounts.roles import is_secretariat
from ace_portal.files import private_file_response
from experts.models import Accreditation, Expert, Language
from experts.permissions import expert_required, secretariat_required
from materials import permissions
from materials.enums import VersionReview
from materials.forms.library import (
    DetailsForm,
    LibraryFilterForm,
    MaterialForm,
    PublishForm,
    ReturnForm,
    VersionForm,
    WithdrawForm,
)
from materials.models import Material, MaterialVersion, Membership, WorkingGroup
from materials.services import library, search
from materials.services.errors import MaterialsError

PAGE_SIZE = 25


def library_reader(view):
    """Signed in as the Secretariat or an expert (``expert``: theirs, or None); others 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        expert = Expert.objects.filter(user=request.user).first()
        if expert is None and not is_secretariat(request.user):
            raise Http404
        return view(request, *args, expert=expert, **kwargs)

    return wrapper


def _listed(user):
    """The materials ``user`` may see, with what a row of the list shows (constant queries)."""
    return (
        Material.objects.visible_to(user)
        .select_related("area", "group", "published_version")
        .prefetch_related(Prefetch("languages", Language.objects.order_by("name_en")))
    )


def _sees_drafts(user, expert) -> bool:
    """The Secretariat and working groups' members: a state filter means something to them."""
    if is_secretariat(user):
        return True
    return Membership.objects.current().filter(expert=expert).exists()


@library_reader
def library_list(request, *, expert):
    with_state = _sees_drafts(request.user, expert)
    form = LibraryFilterForm(
        request.GET or None, with_state=with_state, with_mine=expert is not None
    )
    held = None
    if expert is not None:
        held = Accreditation.objects.holding().filter(expert=expert)
        held = held.values("area")
    materials, text = form.filter(_listed(request.user), held_areas=held)
    if with_state:
        waiting = MaterialVersion.objects.filter(
            material=OuterRef("pk"), review=VersionReview.IN_REVIEW
        )
        materials = materials.annotate(in_review=Exists(waiting))
    materials = search.search(materials, text)
    page = Paginator(materials, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "with_state": with_state,
        "secretariat": is_secretariat(request.user),
        "may_propose": expert is not None and _open_groups(expert).exists(),
    }
    return render(request, "materials/library/list.html", context)


def _material_for_page(user, pk: int) -> Material:
    material = permissions.get_material_for_user(user, pk)
    return get_object_or_404(
        Material.objects.select_related("area", "group", "published_version", "created_by"),
        pk=material.pk,
    )


@login_required
def material_detail(request, pk):
    material = _material_for_page(request.user, pk)
    versions = list(
        permissions.versions_for_user(request.user, material).select_related(
            "uploaded_by__expert", "reviewed_by"
        )
    )
    secretariat = is_secretariat(request.user)
    in_review = next((v for v in versions if v.review == VersionReview.IN_REVIEW), None)
    may_upload = library.may_upload(request.user, material)
    context = {
        "material": material,
        "languages": list(material.languages.all()),
        "versions": versions,
        "sees_drafts": permissions.sees_drafts(request.user, material),
        "may_upload": may_upload,
        "version_form": VersionForm() if may_upload else None,
        "secretariat": secretariat,
        "in_review": in_review if secretariat else None,
        "return_form": ReturnForm() if secretariat and in_review else None,
        "withdraw_form": WithdrawForm() if secretariat and material.is_published else None,
        "file_limit": settings.MATERIAL_MAX_BYTES,
    }
    return render(request, "materials/library/detail.html", context)


def _open_groups(expert):
    return WorkingGroup.objects.open().with_member(expert).select_related("area")


def _details(data) -> dict:
    """The keyword arguments the services take for a material's details."""
    keys = ("title", "kind", "languages", "description", "tags")
    return {key: data[key] for key in keys}


@expert_required
def material_create(request, *, expert):
    """A member of an open working group starts a material (?group=pk chooses the group)."""
    groups = _open_groups(expert)
    if not groups.exists():
        raise Http404
    chosen = request.GET.get("group")
    if chosen and not chosen.isdigit():
        raise Http404
    if chosen:
        initial = {"group": get_object_or_404(groups, pk=chosen)}
    else:
        # A member of one open group (most are) has nothing to choose.
        only = list(groups[:2])
        initial = {"group": only[0]} if len(only) == 1 else {}
    form = MaterialForm(request.POST or None, request.FILES or None, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            material = library.create_material(
                group=data["group"],
                file=data["file"],
                note=data["note"],
                by=request.user,
                **_details(data),
            )
        except MaterialsError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Material sent to the Secretariat for review."))
            return redirect("materials:material_detail", pk=material.pk)
    context = {"form": form, "file_limit": settings.MATERIAL_MAX_BYTES}
    return render(request, "materials/library/new.html", context)


@secretariat_required
def material_publish(request):
    """The Secretariat publishes one of its own tools at once."""
    form = PublishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            material = library.publish_directly(
                area=data["area"],
                file=data["file"],
                note=data["note"],
                by=request.user,
                **_details(data),
            )
        except MaterialsError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Published: the experts of the area can open it."))
            return redirect("materials:material_detail", pk=material.pk)
    context = {"form": form, "file_limit": settings.MATERIAL_MAX_BYTES}
    return render(request, "materials/library/publish.html", context)


@login_required
def material_edit(request, pk):
    material = _material_for_page(request.user, pk)
    if not library.may_upload(request.user, material):
        raise Http404
    form = DetailsForm.for_material(material, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            library.update_details(material.pk, by=request.user, **_details(form.cleaned_data))
        except MaterialsError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Details saved."))
            return redirect("materials:material_detail", pk=material.pk)
    return render(request, "materials/library/edit.html", {"form": form, "material": material})


def _form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        for error in errors:
            label = form[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {error}" if label else error)


@require_POST
@login_required
def version_upload(request, pk):
    material = permissions.get_material_for_user(request.user, pk)
    if not library.may_upload(request.user, material):
        raise Http404
    form = VersionForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("materials:material_detail", pk=material.pk)
    try:
        version = library.upload_version(
            material.pk,
            file=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except MaterialsError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Version %(number)s sent to the Secretariat for review.")
            % {"number": version.number},
        )
    return redirect("materials:material_detail", pk=material.pk)


def _version_of(pk: int, number: int) -> MaterialVersion:
    return get_object_or_404(MaterialVersion, material_id=pk, number=number)


@require_POST
@secretariat_required
def version_approve(request, pk, number):
    version = _version_of(pk, number)
    try:
        library.approve(version.pk, by=request.user)
    except MaterialsError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Version %(number)s approved: the experts of the area can open it.")
            % {"number": number},
        )
    return redirect("materials:material_detail", pk=pk)


@require_POST
@secretariat_required
def version_return(request, pk, number):
    version = _version_of(pk, number)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("materials:material_detail", pk=pk)
    try:
        library.return_version(version.pk, comments=form.cleaned_data["comments"], by=request.user)
    except MaterialsError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Version %(number)s returned to the working group.") % {"number": number}
        )
    return redirect("materials:material_detail", pk=pk)


@require_POST
@secretariat_required
def material_withdraw(request, pk):
    material = get_object_or_404(Material, pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("materials:material_detail", pk=pk)
    try:
        library.withdraw(material.pk, reason=form.cleaned_data["reason"], by=request.user)
    except MaterialsError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Material withdrawn: the experts of the area no longer see it.")
        )
    return redirect("materials:material_detail", pk=pk)


@login_required
def version_file(request, pk, number):
    """A version's file, for those who may see it (materials.permissions); others 404. Always
    an attachment, named by the uploader's name made harmless and the checked type's suffix."""
    version = permissions.get_version_for_user(request.user, pk, number)
    response = private_file_response(version.file, filename=version.download_name)
    response["Content-Type"] = version.content_type
    return response
