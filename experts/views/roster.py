"""The Secretariat's pages about experts (the full directory comes with the roster issue)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.accounts.services import invite_user
from experts.forms.roster import RegisterExpertForm
from experts.models import Accreditation, AccreditationEvent
from experts.permissions import get_expert_for_user, secretariat_required
from experts.services import completeness
from experts.services import profile as services
from experts.views.sections import SECTIONS


@secretariat_required
def expert_detail(request, pk):
    # Accreditations and their whole history (internal comments included): two queries.
    with_accreditations = services.expert_with_profile().prefetch_related(
        Prefetch(
            "accreditations",
            Accreditation.objects.select_related("profile_type", "area"),
        ),
        Prefetch(
            "accreditations__events",
            AccreditationEvent.objects.select_related(
                "by", "evidence_workshop", "evidence_document"
            ),
        ),
    )
    expert = get_expert_for_user(request.user, pk, with_accreditations)
    items = completeness.assess(expert)
    return render(
        request,
        "experts/roster/expert_detail.html",
        {
            "expert": expert,
            "sections": SECTIONS,
            "completeness": completeness.percent(items),
            "missing": [item for item in items if not item.done],
            "show_sensitive": True,
            "invitations": expert.user.invitations.all()[:5],
        },
    )


@secretariat_required
def register_expert(request):
    form = RegisterExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expert = services.register_expert(
            email=data["email"],
            given_names=data["given_names"],
            family_name=data["family_name"],
            home_administration=data["home_administration"],
            preferred_language=data["preferred_language"],
            date_of_birth=data.get("date_of_birth"),
            invite=data["send_invitation"],
            by=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        if data["send_invitation"]:
            messages.success(request, _("Expert registered; an activation link was emailed."))
        else:
            messages.success(request, _("Expert registered. No activation link was sent yet."))
        return redirect("secretariat:expert_detail", pk=expert.pk)
    return render(request, "experts/roster/register.html", {"form": form})


@require_POST
@secretariat_required
def resend_invitation(request, pk):
    expert = get_expert_for_user(request.user, pk)
    if expert.user.has_usable_password():
        messages.error(request, _("This expert has already activated the account."))
    else:
        invite_user(expert.user, by=request.user, base_url=request.build_absolute_uri("/"))
        messages.success(
            request,
            _("A new activation link was emailed to %(email)s.") % {"email": expert.user.email},
        )
    return redirect("secretariat:expert_detail", pk=expert.pk)
