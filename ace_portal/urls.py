from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

from ace_portal.accounts import views as account_views
from experts import urls as experts_urls
from materials import urls as materials_urls
from missions import urls as missions_urls

# The brand, in each language: "Portail ACE" in French, as every French text names it.
admin.site.site_header = gettext_lazy("ACE Portal")
admin.site.site_title = gettext_lazy("ACE Portal")
# Django's own admin login form knows no second factor and no rate limit: send it through
# allauth's sign-in instead (StaffMFAMiddleware then asks the session for its second factor).
admin.site.login = secure_admin_login(admin.site.login)

# Read by allauth (not Django) for the requests its rate limits refuse.
handler429 = "ace_portal.accounts.views.rate_limited"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("favicon.ico", account_views.favicon, name="favicon"),
    path(
        "accounts/invitation/<str:token>/",
        account_views.accept_invitation,
        name="accept_invitation",
    ),
    path("accounts/overview/", account_views.account_overview, name="account_overview"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("", include(experts_urls.expert_urls)),
    path("secretariat/", include(experts_urls.secretariat_urls)),
    path("", include(missions_urls.mission_urls)),
    path("", include(materials_urls.material_urls)),
    path("notifications/", include("ace_portal.notifications.urls")),
    path("admin/", admin.site.urls),
]
