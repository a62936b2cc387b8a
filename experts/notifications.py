"""The notification kinds of the experts app (registered at start-up by ExpertsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.kinds import Kind, register

PROFILE_CONFIRMATION = "experts.profile_confirmation"
PASSPORT_EXPIRY = "experts.passport_expiry"

register(
    Kind(
        PROFILE_CONFIRMATION, _("Reminder to confirm my profile"), template="profile-confirmation"
    ),
    Kind(PASSPORT_EXPIRY, _("Warning that my passport expires soon"), template="passport-expiry"),
)
