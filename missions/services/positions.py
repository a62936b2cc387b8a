"""The positions of a mission: what kind of expert each seat needs."""

from django.db import transaction
from django.utils.translation import gettext as _

from missions.enums import POSITION_STATES
from missions.models import Mission, Position
from missions.services.errors import MissionError

MAX_SEATS = 20


def _editable(mission_pk: int) -> Mission:
    mission = Mission.objects.select_for_update().get(pk=mission_pk)
    if mission.state not in POSITION_STATES:
        raise MissionError(
            _("Positions can no longer change: the mission is %(state)s.")
            % {"state": mission.get_state_display()}
        )
    return mission


@transaction.atomic
def add_position(
    mission_pk: int,
    *,
    role: str,
    profile_type,
    area,
    seats: int = 1,
    language=None,
    minimum_level: int | None = None,
    cascade: bool = False,
    by,
) -> Position:
    """Add a position while the mission is in draft, planned or staffing.

    Side effects: one Position row.
    """
    mission = _editable(mission_pk)
    if not 1 <= seats <= MAX_SEATS:
        raise MissionError(_("A position has from 1 to %(max)d seats.") % {"max": MAX_SEATS})
    if (language is None) != (minimum_level is None):
        raise MissionError(_("Give both the required language and its minimum level, or neither."))
    return Position.objects.create(
        mission=mission,
        role=role,
        profile_type=profile_type,
        area=area,
        seats=seats,
        language=language,
        minimum_level=minimum_level,
        cascade=cascade,
    )


@transaction.atomic
def remove_position(pk: int, *, by) -> None:
    """Remove a position while the mission is still being prepared.

    Side effects: deletes the Position row.
    """
    position = Position.objects.get(pk=pk)
    _editable(position.mission_id)
    position.delete()
