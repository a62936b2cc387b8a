"""Merging two records of the same person: the service, the Secretariat's pages, the admin."""

from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from ace_portal.accounts.models import Invitation, User
from experts.enums import (
    AccreditationState,
    DocumentKind,
    ImportRowAction,
    ImportState,
    Proficiency,
    WorkshopOutcome,
)
from experts.models import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
    Education,
    Expert,
    ExpertDocument,
    ExpertImport,
    ExpertImportRow,
    Expertise,
    ExpertLanguage,
    ExpertMerge,
    MemberAdministration,
    ProfileType,
    UnavailablePeriod,
    WorkExperience,
    Workshop,
    WorkshopParticipant,
)
from experts.services import profile as services
from experts.services.accreditation import transitions
from experts.services.merge import (
    OTHER,
    SURVIVOR,
    ChangedMeanwhile,
    ConflictingAccreditations,
    SameExpert,
    StaffAccount,
    merge_experts,
)
from tests.conftest import sign_in
from tests.experts.accreditation.test_concurrency import split, together
from tests.experts.conftest import image_bytes
from tests.factories import ExpertFactory, UserFactory, area, language

pytestmark = pytest.mark.django_db

REASON = "Decided by the accreditation panel."


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture
def alice_again(db):
    """The same Alice, registered a second time with another address and some other values."""
    return ExpertFactory(
        given_names="Alice",
        family_name="Mwangi-Otieno",
        user__email="alice.mwangi@mail.example",
        phone="+254 722 000111",
        position="Senior Customs Officer",
        home_administration=MemberAdministration.objects.get(iso_code="TZ"),
    )


@pytest.fixture
def toa():
    return ProfileType.objects.get(code="TOA")


@pytest.fixture
def cma():
    return ProfileType.objects.get(code="CMA")


def merge_url(expert):
    return reverse("secretariat:merge_expert", args=[expert.pk])


def state_of(*experts):
    """Everything a refused merge must leave as it was."""
    return {
        "experts": [Expert.objects.filter(pk=expert.pk).values().first() for expert in experts],
        "users": [User.objects.filter(pk=expert.user_id).values().first() for expert in experts],
        "languages": sorted(ExpertLanguage.objects.values_list("pk", "expert_id", "proficiency")),
        "accreditations": sorted(Accreditation.objects.values_list("pk", "expert_id", "state")),
        "merges": ExpertMerge.objects.count(),
    }


# --- The service: values --------------------------------------------------------------------


def test_merge_keeps_the_chosen_value_of_each_field(alice, alice_again, officer):
    alice.phone = "+254 20 4999999"
    alice.position = "Head of Post-Clearance Audit"
    alice.save()

    merge_experts(
        alice,
        alice_again,
        choices={"phone": OTHER, "family_name": SURVIVOR, "home_administration": OTHER},
        by=officer,
    )

    alice.refresh_from_db()
    assert str(alice.phone) == "+254 722 000111"
    assert alice.family_name == "Mwangi"
    assert alice.home_administration.iso_code == "TZ"
    assert alice.position == "Head of Post-Clearance Audit"  # not chosen: the survivor's
    assert not Expert.objects.filter(pk=alice_again.pk).exists()


def test_merge_keeps_the_earliest_registration_and_the_latest_consent(alice, alice_again, officer):
    now = timezone.now()
    Expert.objects.filter(pk=alice_again.pk).update(
        created_at=now - timedelta(days=400),
        created_by=officer,
        consent_given_at=now - timedelta(days=1),
        consent_version="2",
    )
    Expert.objects.filter(pk=alice.pk).update(
        consent_given_at=now - timedelta(days=30), consent_version="1"
    )
    alice.refresh_from_db()
    alice_again.refresh_from_db()

    merge_experts(alice, alice_again, choices={}, by=officer)

    alice.refresh_from_db()
    assert alice.created_at == now - timedelta(days=400)
    assert alice.created_by == officer
    assert alice.consent_given_at == now - timedelta(days=1)
    assert alice.consent_version == "2"


def test_merge_takes_the_other_photo_and_deletes_the_discarded_file(
    alice_photo, alice_again, officer, django_capture_on_commit_callbacks
):
    alice = alice_photo
    alice_again.photo.save("photo.png", ContentFile(image_bytes("PNG")), save=True)
    storage = alice.photo.storage
    old_photo, new_photo = alice.photo.name, alice_again.photo.name

    with django_capture_on_commit_callbacks(execute=True):
        merge = merge_experts(alice, alice_again, choices={"photo": OTHER}, by=officer)

    alice.refresh_from_db()
    assert alice.photo.name == new_photo
    assert storage.exists(new_photo)
    assert not storage.exists(old_photo)
    assert merge.snapshot["survivor_before"]["photo"] == old_photo


def test_merge_refreshes_completeness_and_search(alice, alice_again, officer):
    alice_again.biography = "Twenty years of transit and valuation work in Dar es Salaam."
    alice_again.save()
    before = services.refresh_completeness(alice)

    merge_experts(alice, alice_again, choices={"biography": OTHER}, by=officer)

    alice.refresh_from_db()
    assert alice.completeness > before
    assert Expert.objects.filter(pk=alice.pk, search_vector__isnull=False).exists()


# --- The service: related rows ----------------------------------------------------------------


def test_merge_moves_languages_keeping_the_higher_proficiency(alice, alice_again, officer):
    ExpertLanguage.objects.create(expert=alice, language=language("en"), proficiency=Proficiency.C1)
    ExpertLanguage.objects.create(expert=alice, language=language("fr"), proficiency=Proficiency.B1)
    ExpertLanguage.objects.create(
        expert=alice_again, language=language("en"), proficiency=Proficiency.A2
    )
    ExpertLanguage.objects.create(
        expert=alice_again, language=language("fr"), proficiency=Proficiency.C2
    )
    ExpertLanguage.objects.create(
        expert=alice_again, language=language("sw"), proficiency=Proficiency.NATIVE
    )

    merge = merge_experts(alice, alice_again, choices={}, by=officer)

    levels = dict(alice.languages.values_list("language__code", "proficiency"))
    assert levels == {"en": Proficiency.C1, "fr": Proficiency.C2, "sw": Proficiency.NATIVE}
    dropped = {
        (row["language"], row["proficiency"]) for row in merge.snapshot["dropped"]["languages"]
    }
    assert dropped == {("en", Proficiency.A2), ("fr", Proficiency.B1)}


def test_merge_moves_expertise_keeping_the_entry_with_more_years(alice, alice_again, officer):
    Expertise.objects.create(expert=alice, area=area("aeo-safe"), years=5, description="Mine")
    Expertise.objects.create(expert=alice, area=area("transit"), years=1, description="Mine")
    Expertise.objects.create(expert=alice_again, area=area("aeo-safe"), years=2, description="Dup")
    Expertise.objects.create(expert=alice_again, area=area("transit"), years=8, description="Dup")
    Expertise.objects.create(
        expert=alice_again, area=area("free-zones"), years=3, description="Dup"
    )

    merge_experts(alice, alice_again, choices={}, by=officer)

    kept = {row.area.code: (row.years, row.description) for row in alice.expertise.all()}
    assert kept == {
        "aeo-safe": (5, "Mine"),
        "transit": (8, "Dup"),
        "free-zones": (3, "Dup"),
    }


def test_merge_moves_every_other_kind_of_row(alice, alice_again, officer, pdf_bytes):
    Education.objects.create(expert=alice, degree="MBA", institution="Strathmore")
    Education.objects.create(expert=alice_again, degree="LLB", institution="University of Dar")
    WorkExperience.objects.create(
        expert=alice_again,
        organisation="Tanzania Revenue Authority",
        position="Auditor",
        start_date=date(2005, 1, 1),
    )
    UnavailablePeriod.objects.create(
        expert=alice_again, start_date=date(2031, 1, 1), end_date=date(2031, 1, 31)
    )
    document = ExpertDocument(
        expert=alice_again, kind=DocumentKind.CV, original_name="dup-cv.pdf", size=len(pdf_bytes)
    )
    document.file.save("cv.pdf", ContentFile(pdf_bytes), save=False)
    document.save()

    merge = merge_experts(alice, alice_again, choices={}, by=officer)

    assert set(alice.education.values_list("degree", flat=True)) == {"MBA", "LLB"}
    assert alice.work_history.get().organisation == "Tanzania Revenue Authority"
    assert alice.unavailable_periods.get().start_date == date(2031, 1, 1)
    document.refresh_from_db()
    assert document.expert == alice
    assert document.file.storage.exists(document.file.name)
    related = merge.snapshot["related"]
    assert [row["degree"] for row in related["education"]] == ["LLB"]
    assert [row["original_name"] for row in related["documents"]] == ["dup-cv.pdf"]


def test_merge_moves_accreditations_with_their_history_intact(
    alice, alice_again, officer, toa, cma, pdf_bytes
):
    aeo = area("aeo-safe")
    mine = transitions.nominate(alice, toa, aeo, by=officer, reason=REASON)
    theirs = transitions.nominate(alice_again, cma, aeo, by=officer, reason=REASON)
    transitions.shortlist(theirs.pk, by=officer, reason=REASON)
    # A closed accreditation for the same pair as the survivor's live one does not conflict.
    closed = transitions.nominate(alice_again, toa, aeo, by=officer, reason=REASON)
    transitions.not_retain(closed.pk, by=officer, reason=REASON)
    document = ExpertDocument(
        expert=alice_again, kind=DocumentKind.SUPPORTING, original_name="cert.pdf", size=1
    )
    document.file.save("cert.pdf", ContentFile(pdf_bytes), save=False)
    document.save()
    request = AccreditationRequest.objects.create(
        expert=alice_again,
        kind="recognition",
        profile_type=toa,
        area=area("transit"),
        message="Please recognise me.",
        document=document,
    )
    events = list(AccreditationEvent.objects.order_by("pk").values())

    merge_experts(alice, alice_again, choices={}, by=officer)

    assert set(alice.accreditations.values_list("pk", "state")) == {
        (mine.pk, AccreditationState.NOMINATED),
        (theirs.pk, AccreditationState.SHORTLISTED),
        (closed.pk, AccreditationState.NOT_RETAINED),
    }
    assert list(AccreditationEvent.objects.order_by("pk").values()) == events
    request.refresh_from_db()
    assert request.expert == alice


def test_merge_moves_workshop_seats_keeping_a_recorded_outcome(
    alice, alice_again, bob, officer, toa
):
    workshop = Workshop.objects.create(
        kind="refresher",
        title="AEO refresher",
        area=area("aeo-safe"),
        profile_type=toa,
        start_date=date(2030, 3, 2),
        end_date=date(2030, 3, 3),
        online=True,
    )
    other_workshop = Workshop.objects.create(
        kind="refresher",
        title="Transit refresher",
        area=area("transit"),
        profile_type=toa,
        start_date=date(2030, 4, 2),
        end_date=date(2030, 4, 3),
        online=True,
    )
    pending = WorkshopParticipant.objects.create(workshop=workshop, expert=alice)
    attended = WorkshopParticipant.objects.create(
        workshop=workshop, expert=alice_again, outcome=WorkshopOutcome.ATTENDED
    )
    moved = WorkshopParticipant.objects.create(workshop=other_workshop, expert=alice_again)

    merge = merge_experts(alice, alice_again, choices={}, by=officer)

    seats = WorkshopParticipant.objects.filter(expert=alice)
    assert set(seats.values_list("pk", flat=True)) == {attended.pk, moved.pk}
    assert [row["id"] for row in merge.snapshot["dropped"]["workshop_seats"]] == [pending.pk]


def test_earlier_merges_into_the_removed_record_follow_it(alice, alice_again, bob, officer):
    first = merge_experts(alice_again, bob, choices={}, by=officer)

    merge_experts(alice, alice_again, choices={}, by=officer)

    first.refresh_from_db()
    assert first.survivor == alice
    assert list(alice.merges.order_by("pk")) == [first, ExpertMerge.objects.latest("pk")]


# --- The service: the other account and the login email -----------------------------------


def test_merge_closes_the_other_account_and_frees_its_email(
    alice, alice_again, officer, django_capture_on_commit_callbacks
):
    other_user = alice_again.user
    Invitation.objects.create(
        user=other_user, token_hash="x" * 64, expires_at=timezone.now() + timedelta(days=7)
    )

    merge_experts(alice, alice_again, choices={}, by=officer)

    other_user.refresh_from_db()
    assert other_user.is_active is False
    assert not other_user.has_usable_password()
    assert other_user.email == f"merged-{other_user.pk}@invalid"
    assert not EmailAddress.objects.filter(user=other_user).exists()
    assert Invitation.objects.get(user=other_user).revoked_at is not None
    assert alice.user.email != "alice.mwangi@mail.example"
    # The address can be used again, e.g. for a new registration.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.register_expert(
            email="Alice.Mwangi@mail.example",
            given_names="Alice",
            family_name="Mwangi",
            home_administration=None,
            by=officer,
            invite=False,
            base_url="http://testserver/",
        )
    assert again.user.email == "alice.mwangi@mail.example"


def test_merge_can_keep_the_other_login_email(alice, alice_again, officer):
    old_email = alice.user.email

    merge = merge_experts(alice, alice_again, choices={"login_email": OTHER}, by=officer)

    alice.user.refresh_from_db()
    assert alice.user.email == "alice.mwangi@mail.example"
    address = EmailAddress.objects.get(user=alice.user)
    assert (address.email, address.verified, address.primary) == (
        "alice.mwangi@mail.example",
        True,
        True,
    )
    assert merge.snapshot["survivor_before"]["login_email"] == old_email
    assert not User.objects.filter(email__iexact=old_email).exists()


def test_merge_record_keeps_who_when_choices_and_a_snapshot(alice, alice_again, officer):
    ExpertLanguage.objects.create(
        expert=alice_again, language=language("sw"), proficiency=Proficiency.NATIVE
    )
    other_pk, other_user_pk = alice_again.pk, alice_again.user_id
    before = timezone.now()

    merge = merge_experts(alice, alice_again, choices={"phone": OTHER}, by=officer)

    merge.refresh_from_db()
    assert merge.survivor == alice
    assert merge.survivor_name == "Alice Mwangi"
    assert (merge.merged_expert_id, merge.merged_name) == (other_pk, "Alice Mwangi-Otieno")
    assert merge.merged_user_id == other_user_pk
    assert merge.merged_by == officer
    assert before <= merge.merged_at <= timezone.now()
    assert merge.choices["phone"] == OTHER
    assert merge.choices["family_name"] == SURVIVOR
    assert len(merge.choices) == 19
    snapshot = merge.snapshot
    assert snapshot["expert"]["id"] == other_pk
    assert snapshot["expert"]["family_name"] == "Mwangi-Otieno"
    assert snapshot["expert"]["phone"] == "+254 722 000111"
    assert snapshot["expert"]["position"] == "Senior Customs Officer"
    assert snapshot["user"]["email"] == "alice.mwangi@mail.example"
    assert snapshot["related"]["languages"][0]["language"] == "sw"


# --- The service: refusals change nothing ----------------------------------------------------


def test_merge_with_itself_is_refused(alice, officer):
    with pytest.raises(SameExpert):
        merge_experts(alice, alice, choices={}, by=officer)
    assert Expert.objects.filter(pk=alice.pk).exists()


def test_merge_refused_when_both_hold_a_live_accreditation_for_the_same_pair(
    alice, alice_again, officer, toa
):
    aeo = area("aeo-safe")
    transitions.nominate(alice, toa, aeo, by=officer, reason=REASON)
    theirs = transitions.nominate(alice_again, toa, aeo, by=officer, reason=REASON)
    ExpertLanguage.objects.create(expert=alice_again, language=language("sw"), proficiency=7)
    before = state_of(alice, alice_again)

    with pytest.raises(ConflictingAccreditations) as refused:
        merge_experts(alice, alice_again, choices={"phone": OTHER}, by=officer)

    assert "TOA" in refused.value.message
    assert state_of(alice, alice_again) == before
    # Once one of the pair is settled, the merge goes through.
    transitions.withdraw(theirs.pk, by=officer, reason=REASON)
    merge_experts(alice, alice_again, choices={}, by=officer)
    assert alice.accreditations.count() == 2


def test_merge_refused_when_the_other_account_is_staff(alice, officer):
    """Closing the other account must never lock a Secretariat officer out."""
    staff_record = ExpertFactory(user=officer, given_names="Sam", family_name="Officer")
    before = state_of(alice, staff_record)

    with pytest.raises(StaffAccount):
        merge_experts(alice, staff_record, choices={}, by=officer)

    assert state_of(alice, staff_record) == before


def test_merge_refused_when_a_record_changed_meanwhile(alice, alice_again, officer):
    seen = {alice.pk: alice.updated_at, alice_again.pk: alice_again.updated_at}
    Expert.objects.get(pk=alice_again.pk).save()  # somebody saves the duplicate meanwhile
    before = state_of(alice, alice_again)

    with pytest.raises(ChangedMeanwhile) as refused:
        merge_experts(
            alice, alice_again, choices={"phone": OTHER}, by=officer, expected_versions=seen
        )

    assert "review" in refused.value.message
    assert state_of(alice, alice_again) == before


def test_merge_refused_midway_rolls_everything_back(alice, alice_again, officer, monkeypatch):
    """A failure after rows began to move leaves both records as they were (one transaction)."""
    ExpertLanguage.objects.create(expert=alice_again, language=language("sw"), proficiency=7)
    before = state_of(alice, alice_again)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("experts.services.merge.refresh_completeness", fail)
    with pytest.raises(RuntimeError):
        merge_experts(alice, alice_again, choices={"phone": OTHER}, by=officer)

    assert state_of(alice, alice_again) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_opposite_merges_at_once_one_wins_the_other_is_refused(alice, bob, officer):
    """A keeps B and B keeps A, at the same instant: the locks serialise them, no deadlock."""
    results = together(
        lambda: merge_experts(alice, bob, choices={}, by=officer),
        lambda: merge_experts(bob, alice, choices={}, by=officer),
    )

    won, lost = split(results)
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], ChangedMeanwhile)
    assert Expert.objects.count() == 1
    assert ExpertMerge.objects.get().survivor == Expert.objects.get()


# --- The pages --------------------------------------------------------------------------------


def test_choose_page_asks_for_the_other_record(officer_client, alice):
    response = officer_client.get(merge_url(alice))
    assert response.status_code == 200
    assert "The other record" in response.text
    detail = officer_client.get(reverse("secretariat:expert_detail", args=[alice.pk]))
    assert merge_url(alice) in detail.text
    assert "Merge with another record…" in detail.text


@pytest.mark.parametrize("how", ["number", "email"])
def test_choose_by_number_or_login_email_shows_the_comparison(
    officer_client, alice, alice_again, how
):
    value = alice_again.pk if how == "number" else "ALICE.MWANGI@mail.example"
    response = officer_client.get(merge_url(alice), {"other": value})
    assert response.status_code == 200
    assert response.context["other"] == alice_again
    text = response.text
    # One labelled radio group per differing field, defaulting to the survivor's value ...
    assert "<legend>Family name</legend>" in text
    assert 'name="family_name" value="survivor"' in text
    assert response.context["form"]["family_name"].initial == SURVIVOR
    # ... or to the other's when the survivor has none.
    assert response.context["form"]["phone"].initial == OTHER
    # Identical values are only shown.
    assert "given_names" not in response.context["form"].fields


def test_choose_refuses_an_unknown_or_the_same_record(officer_client, alice):
    response = officer_client.get(merge_url(alice), {"other": "999999"})
    assert response.status_code == 400
    assert "No expert has this number or login email." in response.text
    response = officer_client.get(merge_url(alice), {"other": alice.pk})
    assert response.status_code == 400
    assert "This is the record you are merging into." in response.text


def test_comparison_lists_the_rows_that_move(officer_client, alice, alice_again):
    ExpertLanguage.objects.create(expert=alice, language=language("fr"), proficiency=6)
    ExpertLanguage.objects.create(expert=alice_again, language=language("fr"), proficiency=3)
    ExpertLanguage.objects.create(expert=alice_again, language=language("sw"), proficiency=7)
    Education.objects.create(expert=alice_again, degree="LLB", institution="University of Dar")

    response = officer_client.get(merge_url(alice), {"other": alice_again.pk})

    assert "Swahili (macrolanguage) (Native)" in response.text
    assert "this record already has C2 - Proficient, which is kept" in response.text
    assert "LLB, University of Dar" in response.text


def comparison_post(client, survivor, other, **choices):
    form = client.get(merge_url(survivor), {"other": other.pk}).context["form"]
    data = {"other": other.pk, **{name: form[name].initial for name in form.fields}}
    data.update(choices)
    return client.post(merge_url(survivor), data)


def test_confirm_merges_and_shows_the_record_on_the_survivor(
    officer_client, alice, alice_again, officer
):
    response = comparison_post(officer_client, alice, alice_again, family_name=OTHER)

    assert response.status_code == 302
    assert response.url == reverse("secretariat:expert_detail", args=[alice.pk])
    alice.refresh_from_db()
    assert alice.family_name == "Mwangi-Otieno"
    assert str(alice.phone) == "+254 722 000111"  # defaulted: the survivor had none
    assert ExpertMerge.objects.get().merged_by == officer
    page = officer_client.get(response.url)
    assert "was merged into this record." in page.text
    assert "Merged records" in page.text
    assert f"Alice Mwangi-Otieno (record {alice_again.pk}), merged by" in page.text


def test_confirm_of_a_stale_comparison_is_refused(officer_client, alice, alice_again):
    form = officer_client.get(merge_url(alice), {"other": alice_again.pk}).context["form"]
    data = {"other": alice_again.pk, **{name: form[name].initial for name in form.fields}}
    alice_again.position = "Commissioner"
    alice_again.save()
    before = state_of(alice, alice_again)

    response = officer_client.post(merge_url(alice), data)

    assert response.status_code == 409
    assert "was changed meanwhile" in response.text
    assert "Commissioner" in response.text  # the comparison is shown again, afresh
    assert state_of(alice, alice_again) == before


def test_confirm_with_conflicting_accreditations_is_refused(
    officer_client, alice, alice_again, officer, toa
):
    transitions.nominate(alice, toa, area("transit"), by=officer, reason=REASON)
    transitions.nominate(alice_again, toa, area("transit"), by=officer, reason=REASON)
    page = officer_client.get(merge_url(alice), {"other": alice_again.pk})
    assert "Settle each of these on one record first" in page.text
    assert "Merge the records" not in page.text
    before = state_of(alice, alice_again)

    response = comparison_post(officer_client, alice, alice_again)

    assert response.status_code == 409
    assert "Both records have a live accreditation for TOA" in response.text
    assert state_of(alice, alice_again) == before


def test_confirm_with_a_broken_form_is_refused(officer_client, alice, alice_again):
    before = state_of(alice, alice_again)
    response = officer_client.post(
        merge_url(alice),
        {"other": alice_again.pk, "survivor_version": "yesterday", "family_name": "both"},
    )
    assert response.status_code == 400
    assert "Nothing was merged." in response.text
    assert state_of(alice, alice_again) == before


# --- Who may merge ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, alice, bob):
    for response in (
        client.get(merge_url(alice), {"other": bob.pk}),
        client.post(merge_url(alice), {"other": bob.pk}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert Expert.objects.count() == 2


def test_an_expert_gets_404_even_on_their_own_record(client, alice, bob):
    client.force_login(alice.user)
    before = state_of(alice, bob)
    assert client.get(merge_url(alice)).status_code == 404
    assert client.get(merge_url(alice), {"other": bob.pk}).status_code == 404
    assert client.post(merge_url(alice), {"other": bob.pk}).status_code == 404
    assert state_of(alice, bob) == before


def test_unknown_survivor_gets_404(officer_client):
    assert officer_client.get(reverse("secretariat:merge_expert", args=[999999])).status_code == 404


# --- The admin --------------------------------------------------------------------------------


def test_admin_shows_merges_read_only(client, admin_user, alice, bob):
    merge = merge_experts(alice, bob, choices={}, by=admin_user)
    sign_in(client, admin_user)

    changelist = client.get(reverse("admin:experts_expertmerge_changelist"))
    assert changelist.status_code == 200
    assert "Bob Okafor" in changelist.text
    change = client.get(reverse("admin:experts_expertmerge_change", args=[merge.pk]))
    assert change.status_code == 200
    assert "Okafor" in change.text  # the snapshot
    assert client.get(reverse("admin:experts_expertmerge_add")).status_code == 403
    delete = reverse("admin:experts_expertmerge_delete", args=[merge.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ExpertMerge.objects.filter(pk=merge.pk).exists()


def test_admin_cannot_delete_the_officer_who_merged(alice, bob):
    officer = UserFactory()
    merge_experts(alice, bob, choices={}, by=officer)
    with pytest.raises(ProtectedError):
        officer.delete()


def test_a_pending_import_row_is_not_moved_to_the_survivor(alice, alice_again, officer):
    # The row was checked against the removed record; applying it must find that record gone
    # (the import then fails with its conflict message) instead of rewriting the survivor.
    expert_import = ExpertImport.objects.create(
        original_name="x.csv", size=1, created_by=officer, state=ImportState.READY
    )
    row = ExpertImportRow.objects.create(
        expert_import=expert_import, line=2, action=ImportRowAction.UPDATE, expert=alice_again
    )
    merge_experts(alice, alice_again, choices={}, by=officer)
    row.refresh_from_db()
    assert row.expert_id is None


def test_snapshot_keeps_every_address_of_the_closed_account(alice, alice_again, officer):
    EmailAddress.objects.create(
        user=alice_again.user, email="second@customs.example", verified=True
    )
    merge = merge_experts(alice, alice_again, choices={}, by=officer)
    addresses = merge.snapshot["user"]["addresses"]
    assert {"email": "second@customs.example", "verified": True, "primary": False} in addresses


def test_odd_record_number_is_a_form_error(officer_client, alice):
    response = officer_client.get(merge_url(alice), {"other": "²"})
    assert response.status_code == 400
