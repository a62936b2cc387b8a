"""The benchmark's urlconf: the project's URLs plus ``bench-floor/``, the floor (F), and
``bench-stock-admin/``, the stock admin changelist that is the directory's reference (d).

The floor is a signed-in view that renders a one-line template through the same middleware as
every page: what any page costs before it does any work of its own (session, user, the staff MFA
check). bench/directory.py points ROOT_URLCONF here inside its own process only (a settings
override); the project never routes to it.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from ace_portal.urls import urlpatterns as project_urlpatterns
from experts.admin.profile import ExpertAdmin
from experts.models import Expert

FLOOR_TEMPLATE = engines["django"].from_string("<p>Signed in as {{ request.user.email }}.</p>\n")
# Not the floor: the site's page shell (base.html: navigation, bell, language switcher) around
# one line, to tell what a page costs before its own content.
SHELL_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>{{ request.user.email }}</p>{% endblock %}'
)


@login_required
def floor(request):
    # Rendered with the request, so the context processors run, as on every real page.
    return HttpResponse(FLOOR_TEMPLATE.render({}, request))


@login_required
def shell(request):
    return HttpResponse(SHELL_TEMPLATE.render({}, request))


class StockExpertAdmin(admin.ModelAdmin):
    """The reference (d): a stock changelist of experts searching what the directory searches
    by Django's own substring search over the same 11 fields. Fixed here, whatever the
    project's ExpertAdmin does (it answers through the full-text index; shown as "s")."""

    list_display = ExpertAdmin.list_display
    list_filter = ExpertAdmin.list_filter
    list_select_related = ["user", "home_administration"]
    search_fields = [
        "family_name",
        "given_names",
        "user__email",
        "position",
        "unit",
        "home_administration__name_en",
        "home_administration__name_fr",
        "expertise__area__name_en",
        "expertise__area__name_fr",
        "expertise__description",
        "biography",
    ]


stock_admin = admin.AdminSite(name="bench_stock_admin")
stock_admin.register(Expert, StockExpertAdmin)

urlpatterns = [
    path("bench-floor/", floor, name="bench_floor"),
    path("bench-stock-admin/", stock_admin.urls),
    path("bench-floor/shell/", shell, name="bench_floor_shell"),
    *project_urlpatterns,
]
