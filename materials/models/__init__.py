"""The materials app's models: working groups and their deliverables, the library."""

from materials.models.groups import Deliverable, Membership, WorkingGroup
from materials.models.library import Material, MaterialVersion

__all__ = ["Deliverable", "Material", "MaterialVersion", "Membership", "WorkingGroup"]
