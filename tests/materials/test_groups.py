"""Working groups' services: the Secretariat forms and closes groups and keeps their members,
the coordinator is always a current member, a member may leave; every refusal says why and
changes nothing; every change tells the expert concerned."""

from datetime import date

import pytest
from django.core import mail

from ace_portal.notifications.models import Notification
from experts.enums import AccreditationState, WorkshopKind
from experts.models import ProfileType, Workshop
from materials.enums import GroupState, MembershipBasis
from materials.models import Membership, WorkingGroup
from materials.notifications import GROUP_MEMBERSHIP
from materials.services import groups
from materials.services.errors import IllegalTransition, MaterialsError
from tests.factories import ExpertFactory
from tests.materials.cast import accredit

pytestmark = pytest.mark.django_db


def snapshot(group):
    """What a refused action must leave as it was."""
    group.refresh_from_db()
    return (
        group.state,
        group.coordinator_id,
        sorted(Membership.objects.filter(group=group).values_list("expert_id", "basis", "left_at")),
        Notification.objects.count(),
    )


def membership_notices():
    return list(
        Notification.objects.filter(kind=GROUP_MEMBERSHIP)
        .order_by("pk")
        .values_list("recipient__email", "context__event")
    )


def workshop_on(area, officer):
    return Workshop.objects.create(
        kind=WorkshopKind.REFRESHER,
        title="Refresher on e-commerce",
        area=area,
        profile_type=ProfileType.objects.get(code="TOA"),
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 6),
        venue="Brussels",
        created_by=officer,
    )


def new_group(officer, area, coordinator, members, **options):
    return groups.create_group(
        name=options.pop("name", "E-commerce case studies"),
        area=area,
        profile_type=options.pop("profile_type", None),
        mandate=options.pop("mandate", "Write three case studies."),
        workshop=options.pop("workshop", None),
        coordinator=coordinator,
        members=members,
        by=officer,
        **options,
    )


# --- Forming a group -----------------------------------------------------------------------------


def test_create_group_makes_members_on_their_basis_and_tells_each(
    officer, carol, ecommerce, django_capture_on_commit_callbacks
):
    outsider = ExpertFactory(given_names="Eve", family_name="Stranger")
    workshop = workshop_on(ecommerce, officer)
    with django_capture_on_commit_callbacks(execute=True):
        group = new_group(
            officer, ecommerce, carol, [carol, outsider], workshop=workshop, invited=True
        )
    assert (group.state, group.coordinator, group.workshop, group.created_by) == (
        GroupState.OPEN,
        carol,
        workshop,
        officer,
    )
    bases = dict(Membership.objects.filter(group=group).values_list("expert_id", "basis"))
    assert bases == {carol.pk: MembershipBasis.ACCREDITED, outsider.pk: MembershipBasis.INVITED}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([carol.email, outsider.email])
    to_carol = next(m for m in mail.outbox if m.to == [carol.email])
    assert to_carol.subject == (
        "[ACE Portal] You are a member of the working group “E-commerce case studies”"
    )
    assert "You coordinate it" in to_carol.body
    assert "Write three case studies." in to_carol.body
    html = to_carol.alternatives[0][0]
    assert "You coordinate it" in html and f"/working-groups/{group.pk}/" in html
    to_eve = next(m for m in mail.outbox if m.to == [outsider.email])
    assert "You coordinate it" not in to_eve.body


def test_create_group_refuses_a_coordinator_who_is_not_a_member(officer, carol, dan, ecommerce):
    with pytest.raises(MaterialsError, match="Carol Diallo must be one of the group's members"):
        new_group(officer, ecommerce, carol, [])
    assert not WorkingGroup.objects.exists() and not Notification.objects.exists()


def test_create_group_refuses_members_without_accreditation_unless_invited(
    officer, carol, dan, ecommerce
):
    with pytest.raises(
        MaterialsError, match="Dan Haddad holds no accreditation in Cross-border e-commerce"
    ):
        new_group(officer, ecommerce, carol, [carol, dan])
    assert not WorkingGroup.objects.exists() and not Membership.objects.exists()


def test_create_group_refuses_a_workshop_of_another_area(officer, carol, ecommerce, transit):
    with pytest.raises(MaterialsError, match="another thematic area"):
        new_group(officer, ecommerce, carol, [carol], workshop=workshop_on(transit, officer))
    assert not WorkingGroup.objects.exists()


def test_create_group_refuses_an_empty_name_or_mandate(officer, carol, ecommerce):
    with pytest.raises(MaterialsError, match="Give the working group a name"):
        new_group(officer, ecommerce, carol, [carol], name="  ")
    with pytest.raises(MaterialsError, match="Write the group's mandate"):
        new_group(officer, ecommerce, carol, [carol], mandate="")
    assert not WorkingGroup.objects.exists()


def test_create_group_is_for_the_secretariat_only(alice, carol, ecommerce):
    with pytest.raises(MaterialsError, match="Only the Secretariat"):
        new_group(alice.user, ecommerce, carol, [carol])
    assert not WorkingGroup.objects.exists()


# --- Members -------------------------------------------------------------------------------------


def test_add_member_with_an_accreditation_joins_as_accredited(
    group, officer, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = groups.add_member(group.pk, carol, by=officer)
    assert (membership.basis, membership.added_by, membership.left_at) == (
        MembershipBasis.ACCREDITED,
        officer,
        None,
    )
    [email] = mail.outbox
    assert email.to == [carol.email]
    assert email.subject == (
        "[ACE Portal] You are a member of the working group “E-commerce risk indicators”"
    )
    assert "Cross-border e-commerce" in email.body and f"/working-groups/{group.pk}/" in email.body


@pytest.mark.parametrize(
    "state", [AccreditationState.PRE_ACCREDITED, AccreditationState.RECOGNIZED]
)
def test_add_member_accepts_every_holding_state(group, officer, state):
    expert = ExpertFactory()
    accredit(expert, "e-commerce", state=state)
    assert groups.add_member(group.pk, expert, by=officer).basis == MembershipBasis.ACCREDITED


def test_add_member_without_accreditation_is_refused_unless_invited(group, officer, dan):
    before = snapshot(group)
    with pytest.raises(
        MaterialsError, match="Dan Haddad holds no accreditation in Cross-border e-commerce"
    ):
        groups.add_member(group.pk, dan, by=officer)
    assert snapshot(group) == before
    membership = groups.add_member(group.pk, dan, invited=True, by=officer)
    assert membership.basis == MembershipBasis.INVITED


def test_add_member_refuses_a_suspended_accreditation(group, officer):
    expert = ExpertFactory(given_names="Sol", family_name="Suspended")
    accredit(expert, "e-commerce", state=AccreditationState.SUSPENDED)
    with pytest.raises(MaterialsError, match="holds no accreditation"):
        groups.add_member(group.pk, expert, by=officer)


def test_add_member_refuses_a_current_member(group, officer, bob):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="Bob Okafor is a member of this group already"):
        groups.add_member(group.pk, bob, by=officer)
    assert snapshot(group) == before


def test_add_member_is_for_the_secretariat_only(group, alice, carol):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="Only the Secretariat"):
        groups.add_member(group.pk, carol, by=alice.user)
    assert snapshot(group) == before


def test_remove_member_keeps_the_row_as_history_and_tells_them(
    group, officer, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = groups.remove_member(group.pk, bob, by=officer)
    assert membership.left_at is not None
    assert not WorkingGroup.objects.with_member(bob).exists()
    [email] = mail.outbox
    assert email.to == [bob.email]
    assert email.subject == (
        "[ACE Portal] You are no longer a member of the working group “E-commerce risk indicators”"
    )
    assert "/working-groups/" in email.body and f"/working-groups/{group.pk}/" not in email.body
    # Removed, then added again: a new membership, told again.
    groups.add_member(group.pk, bob, by=officer)
    assert [event for _to, event in membership_notices()] == ["removed", "added"]


def test_remove_member_refuses_the_coordinator(group, officer, alice):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="Alice Mwangi coordinates this group"):
        groups.remove_member(group.pk, alice, by=officer)
    assert snapshot(group) == before


def test_remove_member_refuses_somebody_not_in_the_group(group, officer, carol):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="Carol Diallo is not a member"):
        groups.remove_member(group.pk, carol, by=officer)
    assert snapshot(group) == before


def test_leave_ends_the_membership_and_confirms_it(group, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        groups.leave(group.pk, expert=bob)
    assert not Membership.objects.filter(group=group, expert=bob, left_at__isnull=True).exists()
    [email] = mail.outbox
    assert email.to == [bob.email]
    assert "You have left the working group" in email.subject


def test_leave_refuses_the_coordinator_until_they_hand_over(group, officer, alice, bob):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="You coordinate this group"):
        groups.leave(group.pk, expert=alice)
    assert snapshot(group) == before
    groups.set_coordinator(group.pk, bob, by=officer)
    groups.leave(group.pk, expert=alice)
    assert list(WorkingGroup.objects.with_member(alice)) == []


def test_leave_refuses_somebody_not_in_the_group(group, carol):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="You are not a member of this group"):
        groups.leave(group.pk, expert=carol)
    assert snapshot(group) == before


# --- Coordinator ---------------------------------------------------------------------------------


def test_set_coordinator_tells_the_new_and_the_previous_one(
    group, officer, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        groups.set_coordinator(group.pk, bob, by=officer)
    group.refresh_from_db()
    assert group.coordinator == bob
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        bob.email: "[ACE Portal] You now coordinate the working group “E-commerce risk indicators”",
        alice.email: "[ACE Portal] Bob Okafor now coordinates the working group "
        "“E-commerce risk indicators”",
    }
    # Named back: a notice again, not swallowed by the first one's dedupe key.
    groups.set_coordinator(group.pk, alice, by=officer)
    assert [e for _to, e in membership_notices()] == [
        "coordinator",
        "replaced",
        "coordinator",
        "replaced",
    ]


def test_set_coordinator_refuses_a_coordinator_from_outside_the_group(group, officer, carol):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="Carol Diallo is not a member of this group"):
        groups.set_coordinator(group.pk, carol, by=officer)
    assert snapshot(group) == before


def test_set_coordinator_refuses_a_former_member(group, officer, bob):
    groups.remove_member(group.pk, bob, by=officer)
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="Bob Okafor is not a member"):
        groups.set_coordinator(group.pk, bob, by=officer)
    assert snapshot(group) == before


def test_set_coordinator_refuses_the_same_one_and_non_secretariat(group, officer, alice, bob):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="coordinates this group already"):
        groups.set_coordinator(group.pk, alice, by=officer)
    with pytest.raises(MaterialsError, match="Only the Secretariat"):
        groups.set_coordinator(group.pk, bob, by=alice.user)
    assert snapshot(group) == before


# --- Closing -------------------------------------------------------------------------------------


def test_close_group_tells_every_current_member(
    group, officer, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        closed = groups.close_group(group.pk, by=officer)
    assert closed.state == GroupState.CLOSED and closed.closed_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    assert all(
        m.subject == "[ACE Portal] The working group “E-commerce risk indicators” is closed"
        for m in mail.outbox
    )
    assert "stay as a record" in mail.outbox[0].alternatives[0][0]


def test_a_closed_group_refuses_every_change(group, officer, alice, bob, carol):
    groups.close_group(group.pk, by=officer)
    before = snapshot(group)
    refused = [
        lambda: groups.add_member(group.pk, carol, by=officer),
        lambda: groups.remove_member(group.pk, bob, by=officer),
        lambda: groups.set_coordinator(group.pk, bob, by=officer),
        lambda: groups.leave(group.pk, expert=bob),
        lambda: groups.close_group(group.pk, by=officer),
    ]
    for call in refused:
        with pytest.raises(IllegalTransition, match="closed: it accepts no change"):
            call()
    assert snapshot(group) == before


def test_close_group_is_for_the_secretariat_only(group, alice):
    before = snapshot(group)
    with pytest.raises(MaterialsError, match="Only the Secretariat"):
        groups.close_group(group.pk, by=alice.user)
    assert snapshot(group) == before
