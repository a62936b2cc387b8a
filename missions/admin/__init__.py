"""The missions app in the Django admin: funding sources, requests, missions and positions."""

from missions.admin import missions, reference, requests, staffing  # noqa: F401 - registers them
