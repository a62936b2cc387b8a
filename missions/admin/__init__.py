"""The missions app in the Django admin: funding sources, requests, missions and positions."""

from missions.admin import (  # noqa: F401 - registers them
    missions,
    preparation,
    reference,
    requests,
    staffing,
)
