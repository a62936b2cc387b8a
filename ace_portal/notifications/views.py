from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.notifications.services import centre, outbox

from . import kinds
from .forms import PreferencesForm
from .models import Notification

PAGE_SIZE = 20


@login_required
def notification_list(request):
    notifications = Notification.objects.for_bell(request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page:
        notification.title = centre.title(notification)
    return render(request, "notifications/list.html", {"page": page})


@login_required
def bell(request):
    return render(request, "includes/nav.html#bell")


@require_POST
@login_required
def mark_read(request, pk):
    try:
        notification = centre.mark_read(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if request.headers.get("HX-Request"):
        notification.title = centre.title(notification)
        response = render(request, "notifications/list.html#item", {"notification": notification})
        response["HX-Trigger"] = "notifications-changed"  # the bell refreshes its count
        return response
    return redirect("notifications:list")


@require_POST
@login_required
def mark_all_read(request):
    centre.mark_all_read(request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


def _preferences_page(request, user, *, action_url):
    preferences = outbox.settings_for(user)
    audiences = kinds.audiences_of(user)
    form = PreferencesForm(request.POST or None, preferences=preferences, audiences=audiences)
    if request.method == "POST" and form.is_valid():
        centre.save_preferences(
            user, digest=form.cleaned_data["digest"], muted_kinds=form.muted_kinds()
        )
        messages.success(request, _("Your email preferences are saved."))
        return redirect(action_url)
    essential = kinds.essential_kinds(audiences)
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "essential_kinds": essential, "action_url": action_url, "person": user},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def preferences(request):
    return _preferences_page(request, request.user, action_url=request.path)


def preferences_by_link(request, token):
    """The one-click link in every email: works without signing in, for that person only."""
    try:
        user = centre.user_for_preferences_token(token)
    except (signing.BadSignature, get_user_model().DoesNotExist):
        return render(request, "notifications/link_invalid.html", status=404)
    return _preferences_page(request, user, action_url=request.path)
