"""The experts app in the Django admin: profiles and reference data, accreditation, workshops."""

from experts.admin import accreditation, merge, profile, workshops  # noqa: F401 - registers the ModelAdmins
