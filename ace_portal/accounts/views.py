from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ace_portal.cache import cache_available

from . import services
from .forms import ActivationForm
from .roles import is_expert, is_secretariat


def favicon(request):
    """Pages without the portal's <link rel="icon"> (the admin's) make browsers ask for
    /favicon.ico: send them to the icon (its static address is known only at request time,
    once the manifest of the static files is read)."""
    return redirect(static("img/favicon.svg"))


def home(request):
    """Send each person where their work is."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if is_secretariat(request.user):
        return redirect("secretariat:directory")
    if is_expert(request.user):
        return redirect("experts:profile")
    return render(request, "accounts/no_role.html")


def rate_limited(request):
    """allauth's answer to a request it refuses for its rate limits (ROOT_URLCONF.handler429).

    allauth also refuses when the cache that keeps the limits does not answer (sign-in fails
    closed, see ace_portal.cache): then say that, not "too many attempts", which would send
    people to wait and retry what cannot work yet, or to doubt their password.
    """
    if not cache_available():
        response = render(request, "accounts/unavailable.html", status=503)
        response["Retry-After"] = "60"
        return response
    return render(request, "429.html", status=429)


def _unusable_link(request, error: services.InvitationError):
    return render(
        request, "accounts/invitation_invalid.html", {"reason": error.message}, status=error.status
    )


def accept_invitation(request, token):
    try:
        invitation = services.check_invitation(token)
    except services.InvitationError as error:
        return _unusable_link(request, error)
    form = ActivationForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token, password=form.cleaned_data["password1"])
        except services.InvitationError as error:  # used meanwhile, e.g. a double submit
            return _unusable_link(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome! Your account is active. Please complete your profile.")
        )
        return redirect("home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


@login_required
def account_overview(request):
    """Where a person manages sign-in: password, email addresses, two-factor authentication."""
    return render(request, "accounts/overview.html", {"mfa_enabled": is_mfa_enabled(request.user)})


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice on a signed-in user's account."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        services.set_preferred_language(request.user, request.POST.get("language", ""))
    return response
