"""Working groups' pages: who reaches each URL (anonymous, another expert, a member, the
coordinator, the Secretariat), the list and a group's page with their forms, bad input answered
with a clear message and nothing changed, and both pages in a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experts.enums import WorkshopKind
from experts.models import ProfileType, ThematicArea, Workshop
from materials.enums import DeliverableState, GroupState, MaterialKind, MaterialState
from materials.enums import MembershipBasis as Basis
from materials.models import Deliverable, Material, Membership, WorkingGroup
from materials.services import deliverables, groups
from tests.conftest import sign_in
from tests.factories import ExpertFactory
from tests.materials.cast import accredit

pytestmark = pytest.mark.django_db
DUE = timezone.localdate() + timedelta(days=30)


@pytest.fixture
def deliverable(group, alice):
    return deliverables.add_deliverable(
        group.pk, title="Risk indicators handbook", due_date=DUE, by=alice.user
    )


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def said(client, url, data=None) -> list[str]:
    """POST ``data`` to ``url``, follow the redirect: the messages the next page shows."""
    response = client.post(url, data or {}, follow=True)
    return [str(m) for m in response.context["messages"]]


# --- Who reaches what ----------------------------------------------------------------------------

ROLES = ["anonymous", "other_expert", "member", "coordinator", "secretariat"]

# URL name, method, the outcome for each role in ROLES (an empty POST: a form error is a 200
# page or a redirect with a message; "login": sent to sign in).
MATRIX = [
    ("groups", "get", ["login", "200", "200", "200", "200"]),
    ("group_create", "get", ["login", "404", "404", "404", "200"]),
    ("group_detail", "get", ["login", "404", "200", "200", "200"]),
    ("group_add_member", "post", ["login", "404", "404", "404", "200"]),
    ("group_remove_member", "post", ["login", "404", "404", "404", "302"]),
    ("group_set_coordinator", "post", ["login", "404", "404", "404", "302"]),
    ("group_close", "post", ["login", "404", "404", "404", "302"]),
    ("group_leave", "post", ["login", "404", "302", "302", "404"]),
    ("deliverable_add", "post", ["login", "404", "404", "200", "200"]),
    ("deliverable_edit", "get", ["login", "404", "404", "200", "200"]),
    ("deliverable_move", "post", ["login", "404", "404", "302", "302"]),
    ("deliverable_remove", "post", ["login", "404", "404", "302", "302"]),
]
DELIVERABLE_URLS = {"deliverable_edit", "deliverable_move", "deliverable_remove"}


def outcome(response) -> str:
    if response.status_code == 302 and reverse("account_login") in response["Location"]:
        return "login"
    return str(response.status_code)


@pytest.mark.parametrize(("name", "method", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_every_group_url_answers_each_role(
    name, method, expected, group, deliverable, alice, bob, carol, officer
):
    users = {
        "anonymous": None,
        "other_expert": carol.user,
        "member": bob.user,
        "coordinator": alice.user,
        "secretariat": officer,
    }
    found = {}
    for role in ROLES:
        if name in DELIVERABLE_URLS:
            # Each role its own: the first to remove one would leave a 404 to the next.
            pk = deliverables.add_deliverable(group.pk, title="T", due_date=DUE, by=officer).pk
        else:
            pk = group.pk
        url = reverse(f"materials:{name}", args=[] if name in ("groups", "group_create") else [pk])
        response = getattr(client_for(users[role]), method)(url)
        found[role] = outcome(response)
    assert found == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(
    "name",
    [name for name, method, _ in MATRIX if method == "post"],
)
def test_post_only_urls_refuse_get(name, group, deliverable, officer):
    pk = deliverable.pk if name in DELIVERABLE_URLS else group.pk
    response = client_for(officer).get(reverse(f"materials:{name}", args=[pk]))
    assert response.status_code == 405


def test_a_former_member_gets_404(group, officer, bob):
    groups.remove_member(group.pk, bob, by=officer)
    response = client_for(bob.user).get(reverse("materials:group_detail", args=[group.pk]))
    assert response.status_code == 404


def test_a_deliverable_of_another_group_is_404_to_this_coordinator(group, officer, bob, carol):
    other = groups.create_group(
        name="Other", area=group.area, mandate="M.", coordinator=carol, members=[carol], by=officer
    )
    theirs = deliverables.add_deliverable(other.pk, title="T", due_date=DUE, by=carol.user)
    client = client_for(group.coordinator.user)
    assert client.get(reverse("materials:deliverable_edit", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("materials:deliverable_remove", args=[theirs.pk]))
    assert response.status_code == 404 and Deliverable.objects.filter(pk=theirs.pk).exists()


# --- The list ------------------------------------------------------------------------------------


def test_the_secretariat_lists_every_group_and_filters_by_area_and_state(
    group, officer, dan, transit
):
    other = groups.create_group(
        name="Transit guarantees", area=transit, mandate="M.", coordinator=dan, members=[dan],
        by=officer,
    )  # fmt: skip
    groups.close_group(other.pk, by=officer)
    client = client_for(officer)
    url = reverse("materials:groups")

    def listed(query=""):
        return [g.name for g in client.get(f"{url}?{query}").context["page"].object_list]

    assert listed() == ["E-commerce risk indicators", "Transit guarantees"]
    assert listed(f"area={transit.pk}") == ["Transit guarantees"]
    assert listed("state=open") == ["E-commerce risk indicators"]
    assert listed("state=closed") == ["Transit guarantees"]
    response = client.get(f"{url}?state=nope")
    assert "Select a valid choice" in response.text and len(response.context["page"]) == 2


def test_an_expert_lists_only_their_groups_with_their_counts(group, officer, alice, bob, dan):
    groups.create_group(
        name="Transit", area=ThematicArea.objects.get(code="transit"), mandate="M.",
        coordinator=dan, members=[dan], by=officer,
    )  # fmt: skip
    deliverables.add_deliverable(group.pk, title="Late one", due_date=DUE, by=alice.user)
    Deliverable.objects.update(due_date=timezone.localdate() - timedelta(days=2))
    response = client_for(bob.user).get(reverse("materials:groups"))
    [row] = response.context["page"].object_list
    assert (row.name, row.member_count, row.open_deliverables) == (group.name, 2, 1)
    assert "overdue" in response.text
    assert "Transit" not in response.text and "New working group" not in response.text


def test_an_expert_in_no_group_is_told_so(carol):
    response = client_for(carol.user).get(reverse("materials:groups"))
    assert "You are not a member of any working group." in response.text


# --- Forming a group -----------------------------------------------------------------------------


def test_the_secretariat_forms_a_group_whose_coordinator_joins(officer, carol, ecommerce):
    bea = ExpertFactory(given_names="Bea", family_name="Mensah")
    accredit(bea, "e-commerce")
    workshop = Workshop.objects.create(
        kind=WorkshopKind.REFRESHER, title="Refresher", area=ecommerce,
        profile_type=ProfileType.objects.get(code="TOA"), start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 6), venue="Nairobi", created_by=officer,
    )  # fmt: skip
    data = {
        "name": "Case studies",
        "area": ecommerce.pk,
        "mandate": "Three case studies.",
        "workshop": workshop.pk,
        "coordinator": str(carol.pk),
        "members": bea.user.email,
    }
    response = client_for(officer).post(reverse("materials:group_create"), data)
    group = WorkingGroup.objects.get()
    assert response["Location"] == reverse("materials:group_detail", args=[group.pk])
    assert (group.coordinator, group.workshop) == (carol, workshop)
    assert set(Membership.objects.filter(group=group).values_list("expert", "basis")) == {
        (carol.pk, Basis.ACCREDITED),
        (bea.pk, Basis.ACCREDITED),
    }


def test_forming_a_group_with_bad_input_says_why_and_creates_nothing(
    officer, carol, dan, ecommerce, transit
):
    workshop = Workshop.objects.create(
        kind=WorkshopKind.REFRESHER, title="Transit refresher", area=transit,
        profile_type=ProfileType.objects.get(code="TOA"), start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 6), venue="Nairobi", created_by=officer,
    )  # fmt: skip
    client = client_for(officer)
    url = reverse("materials:group_create")
    base = {"name": "G", "area": ecommerce.pk, "mandate": "M.", "coordinator": str(carol.pk)}
    cases = [
        ({"coordinator": "999999"}, "No expert has the number or login email “999999”."),
        ({"members": "nobody@x.example 424242"}, "nobody@x.example, 424242"),
        ({"workshop": workshop.pk}, "This workshop was on another thematic area"),
        ({"members": str(dan.pk)}, "Dan Haddad holds no accreditation in"),
        ({"name": ""}, "This field is required."),
    ]
    for change, message in cases:
        response = client.post(url, base | change)
        assert response.status_code == 200, change
        assert message in response.text, change
    assert not WorkingGroup.objects.exists() and not Membership.objects.exists()
    client.post(url, base | {"members": str(dan.pk), "invited": "on"})
    assert Membership.objects.get(expert=dan).basis == Basis.INVITED


# --- A group's page ------------------------------------------------------------------------------


def test_the_group_page_shows_mandate_members_deliverables_and_materials(
    group, officer, alice, bob, deliverable
):
    Deliverable.objects.filter(pk=deliverable.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    draft = Material.objects.create(
        area=group.area, group=group, title="Draft indicators", kind=MaterialKind.HANDBOOK,
        state=MaterialState.DRAFT, created_by=alice.user,
    )  # fmt: skip
    response = client_for(bob.user).get(reverse("materials:group_detail", args=[group.pk]))
    text = response.text
    assert "Standardise the risk indicators" in text
    assert "Alice Mwangi" in text and "Bob Okafor" in text and "Accredited in the area" in text
    assert "Risk indicators handbook" in text and "overdue" in text
    assert reverse("materials:material_detail", args=[draft.pk]) in text
    # A member sees no management form, only the way out.
    assert reverse("materials:group_add_member", args=[group.pk]) not in text
    assert reverse("materials:deliverable_move", args=[deliverable.pk]) not in text
    assert reverse("materials:group_leave", args=[group.pk]) in text


def test_the_coordinator_sees_the_deliverables_forms_not_the_secretariats(
    group, alice, deliverable
):
    text = client_for(alice.user).get(reverse("materials:group_detail", args=[group.pk])).text
    assert reverse("materials:deliverable_move", args=[deliverable.pk]) in text
    assert reverse("materials:deliverable_add", args=[group.pk]) in text
    assert reverse("materials:group_close", args=[group.pk]) not in text
    assert reverse("materials:group_leave", args=[group.pk]) not in text  # hands over first


def test_the_secretariat_finds_accredited_experts_of_the_area_by_name(group, officer, carol, dan):
    url = reverse("materials:group_detail", args=[group.pk])
    client = client_for(officer)
    found = client.get(f"{url}?find=carol diallo").context["candidates"]
    assert found == [carol]
    assert client.get(f"{url}?find=Dan").context["candidates"] == []  # transit only
    assert client.get(f"{url}?find=Bob").context["candidates"] == []  # a member already


def test_adding_a_member_by_number_and_the_invitation_checkbox(group, officer, carol, dan):
    client = client_for(officer)
    url = reverse("materials:group_add_member", args=[group.pk])
    assert said(client, url, {"expert": str(carol.pk)}) == ["Carol Diallo is now a member."]
    response = client.post(url, {"expert": str(dan.pk)})
    assert response.status_code == 200
    assert "Dan Haddad holds no accreditation in" in response.text
    assert f'value="{dan.pk}"' in response.text  # kept, to tick the box and send again
    assert not Membership.objects.filter(expert=dan).exists()
    client.post(url, {"expert": dan.user.email, "invited": "on"})
    assert Membership.objects.get(expert=dan).basis == Basis.INVITED


def test_a_coordinator_from_outside_the_group_is_refused_with_a_clear_message(
    group, officer, alice, carol
):
    url = reverse("materials:group_set_coordinator", args=[group.pk])
    assert said(client_for(officer), url, {"expert": carol.pk}) == [
        "Carol Diallo is not a member of this group: add them first, then name them coordinator."
    ]
    group.refresh_from_db()
    assert group.coordinator == alice


def test_the_secretariat_names_a_coordinator_and_removes_a_member(group, officer, alice, bob):
    client = client_for(officer)
    coordinator = reverse("materials:group_set_coordinator", args=[group.pk])
    assert said(client, coordinator, {"expert": bob.pk}) == [
        "Bob Okafor now coordinates the group."
    ]
    group.refresh_from_db()
    assert group.coordinator == bob
    remove = reverse("materials:group_remove_member", args=[group.pk])
    assert said(client, remove, {"expert": bob.pk}) == [
        "Bob Okafor coordinates this group: name another coordinator first."
    ]
    assert said(client, remove, {"expert": alice.pk}) == ["Alice Mwangi is no longer a member."]
    assert list(WorkingGroup.objects.with_member(alice)) == []


def test_closing_needs_the_confirmation(group, officer):
    client = client_for(officer)
    url = reverse("materials:group_close", args=[group.pk])
    assert said(client, url) == ["Tick the box to confirm."]
    group.refresh_from_db()
    assert group.state == GroupState.OPEN
    assert said(client, url, {"confirm": "on"}) == ["The working group is closed."]
    group.refresh_from_db()
    assert group.state == GroupState.CLOSED
    page = client.get(reverse("materials:group_detail", args=[group.pk])).text
    assert "accepts no change" in page
    assert reverse("materials:group_add_member", args=[group.pk]) not in page


def test_a_member_leaves_after_confirming(group, bob):
    client = client_for(bob.user)
    url = reverse("materials:group_leave", args=[group.pk])
    assert said(client, url) == ["Tick the box to confirm."]
    assert WorkingGroup.objects.with_member(bob).exists()
    response = client.post(url, {"confirm": "on"})
    assert response["Location"] == reverse("materials:groups")
    assert not WorkingGroup.objects.with_member(bob).exists()
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "You have left the working group “E-commerce risk indicators”."
    ]


def test_the_coordinator_cannot_leave_before_handing_over(group, alice):
    url = reverse("materials:group_leave", args=[group.pk])
    assert said(client_for(alice.user), url, {"confirm": "on"}) == [
        "You coordinate this group: ask the Secretariat to name another coordinator first, "
        "then leave."
    ]
    assert WorkingGroup.objects.with_member(alice).exists()


# --- Deliverables' forms -------------------------------------------------------------------------


def test_the_coordinator_adds_edits_moves_and_removes_a_deliverable(group, alice):
    client = client_for(alice.user)
    client.post(
        reverse("materials:deliverable_add", args=[group.pk]),
        {"title": "Glossary", "description": "", "due_date": DUE.isoformat()},
    )
    made = Deliverable.objects.get()
    edit = reverse("materials:deliverable_edit", args=[made.pk])
    assert client.get(edit).status_code == 200
    later = DUE + timedelta(days=10)
    client.post(edit, {"title": "Glossary v2", "description": "EN/FR", "due_date": later})
    client.post(reverse("materials:deliverable_move", args=[made.pk]), {"state": "in_review"})
    made.refresh_from_db()
    assert (made.title, made.description, made.due_date, made.state) == (
        "Glossary v2",
        "EN/FR",
        later,
        DeliverableState.IN_REVIEW,
    )
    client.get(reverse("materials:groups"))  # shows (and so clears) the messages so far
    remove = reverse("materials:deliverable_remove", args=[made.pk])
    assert said(client, remove) == ["Deliverable “Glossary v2” removed."]
    assert not Deliverable.objects.exists()


def test_a_closed_groups_deliverable_is_not_edited(group, officer, alice, deliverable):
    groups.close_group(group.pk, by=officer)
    client = client_for(alice.user)
    response = client.get(reverse("materials:deliverable_edit", args=[deliverable.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This working group is closed: it accepts no change."
    ]
    move = reverse("materials:deliverable_move", args=[deliverable.pk])
    assert said(client, move, {"state": "done"}) == [
        "This working group is closed: it accepts no change."
    ]
    assert Deliverable.objects.get().state == DeliverableState.PLANNED


def test_deliverable_forms_answer_bad_input_with_a_message(group, alice, deliverable):
    client = client_for(alice.user)
    response = client.post(
        reverse("materials:deliverable_add", args=[group.pk]),
        {"title": "Old", "due_date": "2020-01-01"},
    )
    assert "This due date has passed" in response.text
    response = client.post(
        reverse("materials:deliverable_add", args=[group.pk]), {"title": "", "due_date": "soon"}
    )
    assert "Enter a valid date." in response.text
    move = reverse("materials:deliverable_move", args=[deliverable.pk])
    assert said(client, move, {"state": "archived"}) == ["Choose a state of the deliverable."]
    Deliverable.objects.filter(pk=deliverable.pk).update(state=DeliverableState.DONE)
    assert said(client, move, {"state": "planned"}) == [
        "A deliverable done cannot move to planned."
    ]
    assert Deliverable.objects.count() == 1
    assert Deliverable.objects.get().state == DeliverableState.DONE


# --- Queries -------------------------------------------------------------------------------------


def grow(group, officer, alice, *, members: int, items: int):
    """Add ``members`` experts (one invited, one who left), ``items`` deliverables and
    materials to ``group``."""
    for n in range(members):
        expert = ExpertFactory(given_names="Extra", family_name=f"Member{n}")
        invited = n == 0
        if not invited:
            accredit(expert, "e-commerce")
        groups.add_member(group.pk, expert, invited=invited, by=officer)
        if n == 1:
            groups.remove_member(group.pk, expert, by=officer)
    for n in range(items):
        deliverables.add_deliverable(group.pk, title=f"D{n}", due_date=DUE, by=alice.user)
        Material.objects.create(
            area=group.area, group=group, title=f"M{n}", kind=MaterialKind.CASE_STUDY,
            state=MaterialState.DRAFT, created_by=alice.user,
        )  # fmt: skip


def count_queries(client, url) -> int:
    client.get(url)  # warm up: session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["secretariat", "coordinator"])
def test_the_group_page_queries_do_not_grow_with_the_group(
    role, group, officer, alice, django_assert_num_queries
):
    client = client_for(officer if role == "secretariat" else alice.user)
    url = reverse("materials:group_detail", args=[group.pk])
    small = count_queries(client, url)
    grow(group, officer, alice, members=6, items=5)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["current"]) == 2 + 5
    assert len(response.context["deliverables"]) == 5


@pytest.mark.parametrize("role", ["secretariat", "expert"])
def test_the_group_list_queries_do_not_grow_with_the_groups(
    role, group, officer, alice, django_assert_num_queries
):
    client = client_for(officer if role == "secretariat" else alice.user)
    url = reverse("materials:groups")
    small = count_queries(client, url)
    for n in range(6):
        made = groups.create_group(
            name=f"Group {n}", area=group.area, mandate="M.", coordinator=alice,
            members=[alice], by=officer,
        )  # fmt: skip
        deliverables.add_deliverable(made.pk, title="D", due_date=DUE, by=officer)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 7


# --- Admin ----------------------------------------------------------------------------------------


def test_the_admin_lists_searches_and_shows_groups_memberships_and_deliverables(
    group, admin_user, bob, deliverable
):
    client = client_for(admin_user)
    membership = Membership.objects.get(group=group, expert=bob)
    for model, obj, search in [
        ("workinggroup", group, "risk"),
        ("membership", membership, "Okafor"),
        ("deliverable", deliverable, "handbook"),
    ]:
        listed = client.get(reverse(f"admin:materials_{model}_changelist") + f"?q={search}")
        assert listed.status_code == 200 and listed.context["cl"].result_count == 1, model
        shown = client.get(reverse(f"admin:materials_{model}_change", args=[obj.pk]))
        assert shown.status_code == 200, model
    page = client.get(reverse("admin:materials_workinggroup_change", args=[group.pk])).text
    assert "Bob Okafor" in page and "Risk indicators handbook" in page
    # Formed on the portal, through the service that keeps the coordinator among the members.
    assert client.get(reverse("admin:materials_workinggroup_add")).status_code == 403


def test_the_admin_corrects_a_deliverables_words_and_records_who(admin_user, deliverable):
    client = client_for(admin_user)
    url = reverse("admin:materials_deliverable_change", args=[deliverable.pk])
    data = {"title": "Handbook (EN)", "description": "", "due_date": DUE.isoformat()}
    assert client.post(url, data).status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.title, deliverable.updated_by) == ("Handbook (EN)", admin_user)
