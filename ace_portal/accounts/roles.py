"""The portal's roles, as Django groups created by a migration.

One place answers "which role does this user have"; views and templates ask here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ace_portal.notifications import kinds


class Role(models.TextChoices):
    EXPERT = "Expert", _("Expert")
    SECRETARIAT = "Secretariat officer", _("Secretariat officer")
    ADMIN = "Admin", _("Admin")


def _group_names(user) -> set[str]:
    # Cached on the user object: navigation and permission checks ask several times per request.
    if not hasattr(user, "_ace_group_names"):
        user._ace_group_names = set(user.groups.values_list("name", flat=True))
    return user._ace_group_names


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or Role.ADMIN in _group_names(user)))


def is_secretariat(user) -> bool:
    """Secretariat officers and admins work on the staff side of the portal."""
    if not user.is_authenticated:
        return False
    return is_admin(user) or Role.SECRETARIAT in _group_names(user)


def is_staff_role(user) -> bool:
    return is_secretariat(user) or bool(user.is_authenticated and user.is_staff)


def is_expert(user) -> bool:
    return bool(user.is_authenticated and Role.EXPERT in _group_names(user))


def notification_audiences(user) -> set[str]:
    """Whose notifications ``user`` may set preferences for (besides everyone's)."""
    found = set()
    if is_expert(user):
        found.add(kinds.EXPERTS)
    if is_secretariat(user):
        found.add(kinds.SECRETARIAT)
    return found
