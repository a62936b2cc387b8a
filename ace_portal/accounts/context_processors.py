from django.utils.functional import SimpleLazyObject

from . import roles


def role_flags(request):
    """Which parts of the navigation this user may see; evaluated only when a template asks."""
    user = request.user
    return {
        "is_expert": SimpleLazyObject(lambda: roles.is_expert(user)),
        "is_secretariat": SimpleLazyObject(lambda: roles.is_secretariat(user)),
        "is_admin": SimpleLazyObject(lambda: roles.is_admin(user)),
    }
