"""Answering an invitation by its signed link, without a password (the link is the expert's)."""

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from missions.forms.invitations import AnswerForm
from missions.models import Invitation
from missions.services import invitations
from missions.services.invitations import InvitationClosed


def answer(request, token):
    try:
        invitation = invitations.invitation_for_token(token)
    except (signing.BadSignature, Invitation.DoesNotExist):
        return render(request, "missions/invitations/link_invalid.html", status=404)
    expert_user = invitation.expert.user
    if request.user.is_authenticated and request.user != expert_user:
        # Somebody else's link: it names an invitation that is none of theirs.
        return render(request, "missions/invitations/link_invalid.html", status=404)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["answer"] == AnswerForm.ACCEPT:
                invitations.accept(invitation.pk, by=expert_user)
                messages.success(request, _("Thank you: you accepted this invitation."))
            else:
                invitations.decline(
                    invitation.pk, by=expert_user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Your answer was recorded: you declined."))
            return redirect("missions:answer", token=token)
        except InvitationClosed as refused:
            messages.error(request, refused.message)
        invitation.refresh_from_db()
    context = {"invitation": invitation, "mission": invitation.position.mission, "form": form}
    return render(request, "missions/invitations/answer.html", context)
