from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Nobody signs up on their own: the Secretariat registers experts and invites them.
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")
