"""The notification kinds of the experts app (registered at start-up by ExpertsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.kinds import EXPERTS, SECRETARIAT, Kind, register

PROFILE_CONFIRMATION = "experts.profile_confirmation"
PASSPORT_EXPIRY = "experts.passport_expiry"
ACCREDITATION_CHANGED = "experts.accreditation_changed"
ACCREDITATION_EXPIRING = "experts.accreditation_expiring"
REQUEST_DECIDED = "experts.accreditation_request_decided"
UPCOMING_LAPSES = "experts.upcoming_lapses"

register(
    Kind(
        PROFILE_CONFIRMATION,
        _("Reminder to confirm my profile"),
        template="profile-confirmation",
        audience=EXPERTS,
    ),
    Kind(
        PASSPORT_EXPIRY,
        _("Warning that my passport expires soon"),
        template="passport-expiry",
        audience=EXPERTS,
    ),
    Kind(
        ACCREDITATION_CHANGED,
        _("A change to one of my accreditations"),
        template="accreditation-changed",
        audience=EXPERTS,
    ),
    Kind(
        ACCREDITATION_EXPIRING,
        _("Reminder that an accreditation expires soon"),
        template="accreditation-expiring",
        audience=EXPERTS,
    ),
    Kind(
        REQUEST_DECIDED,
        _("The decision on my accreditation request"),
        template="accreditation-request-decided",
        audience=EXPERTS,
    ),
    Kind(
        UPCOMING_LAPSES,
        _("Weekly list of accreditations about to lapse (Secretariat)"),
        template="upcoming-lapses",
        audience=SECRETARIAT,
    ),
)
