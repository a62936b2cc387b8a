"""The expert's own pages. Thin: parse a form, call one service, redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.files import private_file_response
from experts.permissions import expert_required, get_document_for_user, get_expert_for_user
from experts.services import completeness
from experts.services import profile as services
from experts.services.uploads import pdf_download_name
from experts.views.sections import BY_SLUG, SECTIONS


@expert_required
def profile(request, *, expert):
    expert = services.expert_with_profile().get(pk=expert.pk)
    items = completeness.assess(expert)
    missing = [item for item in items if not item.done]
    return render(
        request,
        "experts/profile/profile.html",
        {
            "expert": expert,
            "sections": SECTIONS,
            "completeness": completeness.percent(items),
            "missing": missing,
            "show_sensitive": True,
        },
    )


@expert_required
def edit_section(request, section, *, expert):
    section = BY_SLUG.get(section)
    if section is None:
        raise Http404
    bound = request.method == "POST"
    data, files = (request.POST, request.FILES) if bound else (None, None)
    form = formset = None
    if section.form_class:
        kwargs = {"instance": expert} if section.form_edits_expert else {}
        form = section.form_class(data, files, **kwargs)
    if section.formset_class:
        formset = section.formset_class(data, files, instance=expert, prefix=section.slug)
    if bound and all(f.is_valid() for f in (form, formset) if f is not None):
        section.save(expert, form=form, formset=formset, by=request.user)
        messages.success(request, _("%(section)s saved.") % {"section": section.title})
        return redirect("experts:profile")
    if bound:
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    return render(
        request,
        "experts/profile/edit_section.html",
        {"expert": expert, "section": section, "form": form, "formset": formset},
        status=400 if bound else 200,
    )


@require_POST
@expert_required
def confirm_profile(request, *, expert):
    services.confirm_profile(expert, by=request.user)
    messages.success(request, _("Thank you: your profile is confirmed as accurate today."))
    return redirect("experts:profile")


@login_required
def download_document(request, pk):
    document = get_document_for_user(request.user, pk)
    # Every document is a PDF checked by content: it is named as one (and typed by its stored
    # name, which the portal gave it), whatever the name it was uploaded under.
    return private_file_response(
        document.file, filename=pdf_download_name(document.original_name), as_attachment=True
    )


@login_required
def photo(request, pk):
    expert = get_expert_for_user(request.user, pk)
    return private_file_response(expert.photo, filename="photo", as_attachment=False)
