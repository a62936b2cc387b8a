"""The admin of working groups and the library, one module per capability."""

from materials.admin import groups, library  # noqa: F401 - registers the model admins
