"""One place answers "may this user see or change this expert's data".

A user with no relation to an object gets 404, not 403, so that its existence is not leaked.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from ace_portal.accounts.roles import is_secretariat
from experts.models import Expert, ExpertDocument


def expert_required(view):
    """The view receives the signed-in user's own Expert as ``expert``; others get 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        expert = Expert.objects.filter(user=request.user).select_related("user").first()
        if expert is None:
            raise Http404
        return view(request, *args, expert=expert, **kwargs)

    return wrapper


def secretariat_required(view):
    """Secretariat officers and admins only; anybody else signed in gets 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def get_document_for_user(user, pk: int) -> ExpertDocument:
    visible = Expert.objects.visible_to(user)
    return get_object_or_404(ExpertDocument.objects.filter(expert__in=visible), pk=pk)


def get_expert_for_user(user, pk: int, queryset=None) -> Expert:
    queryset = queryset if queryset is not None else Expert.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)
