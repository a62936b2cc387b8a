"""Releases: the administration answers by its signed link (no account); the officer records an
answer that came another way, and downloads the request letter."""

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ace_portal.files import private_file_response
from experts.permissions import secretariat_required
from missions.enums import RecordedVia, ReleaseState
from missions.forms.releases import RecordReleaseForm, ReleaseAnswerForm
from missions.models import Release
from missions.services import letters, releases
from missions.services.errors import MissionError


def answer(request, token):
    try:
        release = releases.release_for_token(token)
    except (signing.BadSignature, Release.DoesNotExist):
        return render(request, "missions/releases/link_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk == release.assignment.expert.user_id:
        # The link is the administration's: the officer it concerns does not release themself.
        return render(request, "missions/releases/link_invalid.html", status=404)
    form = ReleaseAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _decide(release, form.cleaned_data, via=RecordedVia.LINK, by=None)
            messages.success(request, _("Thank you: your answer was recorded."))
            return redirect("missions:release", token=token)
        except MissionError as refused:
            messages.error(request, refused.message)
        release.refresh_from_db()
    return render(request, "missions/releases/answer.html", _context(release, form))


def _decide(release, data, *, via, by):
    details = {
        "via": via,
        "by": by,
        "answered_by": data.get("answered_by", ""),
        "note": data.get("note", ""),
        "letter": data.get("letter"),
    }
    if data["decision"] == ReleaseAnswerForm.RELEASE:
        return releases.release(release.pk, **details)
    return releases.refuse(release.pk, reason=data["reason"], **details)


def _context(release, form):
    assignment = release.assignment
    mission = assignment.position.mission
    return {
        "open": release.state == ReleaseState.REQUESTED
        and mission.state in releases.OPEN_FOR_RELEASE,
        "release": release,
        "assignment": assignment,
        "mission": mission,
        "form": form,
    }


def _release_for_secretariat(pk):
    return get_object_or_404(
        Release.objects.select_related(
            "administration",
            "assignment__expert",
            "assignment__position__mission__officer",
            "assignment__position__mission__funding_source",
        ),
        pk=pk,
    )


@secretariat_required
def record(request, pk):
    release = _release_for_secretariat(pk)
    form = RecordReleaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _decide(release, form.cleaned_data, via=RecordedVia.OFFICER, by=request.user)
            messages.success(request, _("The administration's answer was recorded."))
            return redirect("missions:release_record", pk=pk)
        except MissionError as refused:
            messages.error(request, refused.message)
        release.refresh_from_db()
    return render(request, "missions/releases/record.html", _context(release, form))


@secretariat_required
def letter(request, pk):
    release = _release_for_secretariat(pk)
    response = HttpResponse(letters.render_release_letter(release), content_type="application/pdf")
    name = f"release-request-{release.assignment.position.mission.reference}-{release.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@secretariat_required
def scanned_letter(request, pk):
    release = _release_for_secretariat(pk)
    return private_file_response(release.letter, filename=f"release-letter-{pk}.pdf")
