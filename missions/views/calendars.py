"""Personal iCalendar feeds: served to whoever holds the secret address; made, regenerated or
stopped by their owner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.accounts.roles import is_secretariat
from missions.models import CalendarFeed
from missions.services import calendars


def feed(request, token):
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    response = HttpResponse(calendars.render(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="missions.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def manage(request):
    action = request.POST.get("action")
    if action == "regenerate":
        calendars.regenerate(request.user)
        messages.success(
            request, _("Your calendar has a new address; the old one stopped working.")
        )
    elif action == "revoke":
        calendars.revoke(request.user)
        messages.success(request, _("Your calendar address is stopped."))
    else:
        calendars.feed_for(request.user)
        messages.success(request, _("Your calendar address is ready."))
    return redirect("missions:list" if is_secretariat(request.user) else "missions:mine")
