"""One place answers "may this user see or change this group or material".

A user with no relation to an object gets 404, not 403, so that its existence is not leaked.
Who sees what (issue: working groups and materials):
- the Secretariat: every group, material and version;
- a current member of a working group: the group, and every material of the group in every
  state with all its versions;
- an expert holding an accreditation or recognition in an area (pre-accredited, accredited,
  recognized): the published materials of the area, and only their approved versions;
- anybody else: nothing.
"""

from django.shortcuts import get_object_or_404

from ace_portal.accounts.roles import is_secretariat
from experts.models import Expert
from materials.enums import VersionReview
from materials.models import Material, MaterialVersion, Membership, WorkingGroup


def current_membership(user, group) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.current()
        .filter(group=group, expert__user=user)
        .select_related("expert")
        .first()
    )


def is_coordinator(user, group) -> bool:
    return (
        user.is_authenticated
        and group.coordinator_id is not None
        and Expert.objects.filter(pk=group.coordinator_id, user=user).exists()
    )


def sees_drafts(user, material) -> bool:
    """The Secretariat and the current members of the material's group see its versions in
    review, returned and replaced, not only the approved ones."""
    if is_secretariat(user):
        return True
    return material.group_id is not None and (current_membership(user, material.group) is not None)


def get_group_for_user(user, pk: int) -> WorkingGroup:
    return get_object_or_404(WorkingGroup.objects.visible_to(user), pk=pk)


def get_material_for_user(user, pk: int) -> Material:
    return get_object_or_404(Material.objects.visible_to(user), pk=pk)


def versions_for_user(user, material):
    """The versions of a material ``user`` may list and open (see the module's rules)."""
    versions = material.versions.all()
    if sees_drafts(user, material):
        return versions
    return versions.filter(review=VersionReview.APPROVED)


def get_version_for_user(user, material_pk: int, number: int) -> MaterialVersion:
    material = get_material_for_user(user, material_pk)
    return get_object_or_404(versions_for_user(user, material), number=number)
