"""The missions app's models: reference lists, requests from Members, missions and positions."""

from missions.models.calendars import CalendarFeed
from missions.models.missions import Mission, MissionEvent, MissionSequence, Position
from missions.models.preparation import (
    LogisticsItem,
    MissionDocument,
    MissionMaterial,
    RequestAttachment,
)
from missions.models.reference import FundingSource
from missions.models.reports import MissionReport
from missions.models.requests import AssistanceRequest
from missions.models.staffing import Assignment, Evaluation, Invitation, Release

__all__ = [
    "Assignment",
    "AssistanceRequest",
    "CalendarFeed",
    "Evaluation",
    "Invitation",
    "LogisticsItem",
    "FundingSource",
    "Mission",
    "MissionDocument",
    "MissionEvent",
    "MissionMaterial",
    "MissionReport",
    "MissionSequence",
    "Position",
    "Release",
    "RequestAttachment",
]
