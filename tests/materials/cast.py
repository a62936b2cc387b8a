"""The cast of the materials tests, a plugin of tests/conftest.py (the library's browser
journey uses it too): a working group on e-commerce with Alice (coordinator) and Bob as members,
Carol accredited in e-commerce but not a member, Dan accredited only in another area; the
Secretariat officer and the admin come from tests.conftest."""

from datetime import date

import pytest

from experts.enums import AccreditationPhase, AccreditationState
from experts.models import Accreditation, ProfileType, ThematicArea
from materials.enums import GroupState, MembershipBasis
from materials.models import Membership, WorkingGroup
from tests.factories import ExpertFactory


def accredit(expert, area_code: str, *, state=AccreditationState.ACCREDITED, profile="TOA"):
    return Accreditation.objects.create(
        expert=expert,
        profile_type=ProfileType.objects.get(code=profile),
        area=ThematicArea.objects.get(code=area_code),
        state=state,
        phase=AccreditationPhase.COMPLETE,
        valid_until=date(2030, 1, 1),
    )


@pytest.fixture
def ecommerce(db):
    return ThematicArea.objects.get(code="e-commerce")


@pytest.fixture
def transit(db):
    return ThematicArea.objects.get(code="transit")


@pytest.fixture
def carol(db):
    """Accredited in e-commerce, not a member of the group."""
    expert = ExpertFactory(given_names="Carol", family_name="Diallo")
    accredit(expert, "e-commerce")
    return expert


@pytest.fixture
def dan(db):
    """Accredited in transit only."""
    expert = ExpertFactory(given_names="Dan", family_name="Haddad")
    accredit(expert, "transit")
    return expert


@pytest.fixture
def group(alice, bob, officer, ecommerce):
    """An open e-commerce working group: Alice coordinates, Bob is a member; both hold an
    e-commerce accreditation. Built with the ORM so that these fixtures depend on no service."""
    accredit(alice, "e-commerce")
    accredit(bob, "e-commerce")
    made = WorkingGroup.objects.create(
        name="E-commerce risk indicators",
        area=ecommerce,
        mandate="Standardise the risk indicators used in e-commerce trainings.",
        state=GroupState.OPEN,
        created_by=officer,
    )
    for expert in (alice, bob):
        Membership.objects.create(
            group=made, expert=expert, basis=MembershipBasis.ACCREDITED, added_by=officer
        )
    made.coordinator = alice
    made.save()
    return made
