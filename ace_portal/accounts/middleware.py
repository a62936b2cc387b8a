from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .mfa import session_passed_second_factor
from .roles import is_staff_role


class UserLanguageMiddleware:
    """A signed-in user's stored language wins over the browser's (runs after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class StaffMFAMiddleware:
    """Staff reach staff pages only from a session that passed a second factor.

    "The user has TOTP" is not "this session passed TOTP": Django's own admin login, an invitation
    acceptance, `login()` from any future view make sessions that passed a password only. So the
    rule reads allauth's record of the factors this session passed, whatever door made it, and
    lets such a session reach nothing but the few pages that complete the second factor.
    """

    # Reached by a staff session that has not passed a second factor: the pages that add one
    # (TOTP setup asks for the password again first), signing out, and the language switch.
    # Not the recovery codes, e-mail or password pages: those need the second factor too.
    pages_before_second_factor = {
        True: ("mfa_reauthenticate", "account_logout", "set_language"),
        False: (
            "mfa_activate_totp",
            "mfa_index",
            "account_reauthenticate",
            "account_logout",
            "set_language",
        ),
    }
    static_prefixes = ("/static/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and is_staff_role(user)
            and not request.path.startswith(self.static_prefixes)
        ):
            has_totp = is_mfa_enabled(user)
            if not (has_totp and session_passed_second_factor(request, user)):
                return self._complete_second_factor(request, has_totp)
        return self.get_response(request)

    def _complete_second_factor(self, request, has_totp: bool):
        allowed = {reverse(name) for name in self.pages_before_second_factor[has_totp]}
        if request.path in allowed:
            return self.get_response(request)
        if not has_totp:
            messages.warning(
                request,
                _("Staff accounts must use two-factor authentication. Set it up to continue."),
            )
            return redirect(reverse("mfa_activate_totp"))
        messages.info(
            request, _("Enter the code from your authenticator app to reach staff pages.")
        )
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
