"""The expert's side of accreditation: their accreditations with history, and their requests."""

from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from experts.enums import HOLDING_STATES, AccreditationState
from experts.forms.accreditation import AccreditationRequestForm
from experts.models import Accreditation, AccreditationEvent, Expert
from experts.permissions import expert_required
from experts.services.accreditation.requests import submit_request
from experts.services.accreditation.transitions import ACTION_LABELS

# How far ahead the page warns that a validity is ending (the first reminder goes out then).
EXPIRY_WARNING = timedelta(days=90)


def accreditations_with_history(expert):
    """The expert's accreditations with their events, in a fixed number of queries.

    The internal comment is never loaded: the expert's pages cannot show it by mistake.
    """
    events = AccreditationEvent.objects.select_related(
        "evidence_document", "evidence_workshop"
    ).defer("internal_comment")
    return (
        Accreditation.objects.filter(expert=expert)
        .select_related("profile_type", "area")
        .prefetch_related(Prefetch("events", queryset=events, to_attr="history"))
        .order_by("area__name_en", "profile_type__code", "-created_at")
    )


def _validity_warning(accreditation, today) -> str:
    if accreditation.state == AccreditationState.LAPSED:
        return _("This accreditation has lapsed: you can ask for a renewal.")
    until = accreditation.valid_until
    if accreditation.state not in HOLDING_STATES or until is None:
        return ""
    if until < today:
        return _("The validity has ended: you can ask for a renewal.")
    if until - today <= EXPIRY_WARNING:
        days = (until - today).days
        return ngettext(
            "The validity ends in %(days)s day: you can ask for a renewal.",
            "The validity ends in %(days)s days: you can ask for a renewal.",
            days,
        ) % {"days": days}
    return ""


@expert_required
def my_accreditations(request, *, expert):
    today = timezone.localdate()
    accreditations = list(accreditations_with_history(expert))
    for accreditation in accreditations:
        accreditation.validity_warning = _validity_warning(accreditation, today)
        for event in accreditation.history:
            event.what = ACTION_LABELS.get(event.action, event.action)
    requests = expert.accreditation_requests.select_related(
        "accreditation__profile_type", "accreditation__area", "profile_type", "area", "document"
    ).order_by("-created_at")
    return render(
        request,
        "experts/accreditation/my_accreditations.html",
        {"expert": expert, "accreditations": accreditations, "requests": requests},
    )


@expert_required
def accreditation_request(request, *, expert):
    if request.method != "POST":
        form = AccreditationRequestForm(expert=expert)
        return render(request, "experts/accreditation/request.html", {"form": form})
    with transaction.atomic():
        # One submission per expert at a time, so the duplicate checks cannot race.
        Expert.objects.select_for_update().filter(pk=expert.pk).first()
        form = AccreditationRequestForm(request.POST, request.FILES, expert=expert)
        if form.is_valid():
            data = form.cleaned_data
            submit_request(
                expert,
                kind=data["kind"],
                message=data["message"],
                upload=data["document"],
                by=request.user,
                accreditation=data["accreditation"],
                profile_type=data["profile_type"],
                area=data["area"],
            )
            messages.success(request, _("Your request was sent to the WCO Secretariat."))
            return redirect("experts:accreditations")
    messages.error(request, _("Nothing was sent. Please correct the errors below."))
    return render(request, "experts/accreditation/request.html", {"form": form}, status=400)
