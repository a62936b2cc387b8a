from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread_notifications(request):
    """The bell's count, queried only when a template shows it (one COUNT on a partial index)."""
    user = request.user

    def count():
        if not user.is_authenticated:
            return 0
        return Notification.objects.for_bell(user).unread().count()

    return {"unread_notifications": SimpleLazyObject(count)}
