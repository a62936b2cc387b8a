"""seed_demo's working groups and library are consistent with the pool: groups of experts who
hold the area, deliverables in every state around today, materials of every kind in every
state whose files are real documents found by the words inside; the demo expert is in a group
and sees its draft and published materials; their confirmed mission has library materials."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experts.enums import HOLDING_STATES, WorkshopKind
from experts.models import Accreditation, Expert, Workshop
from experts.services.uploads import validate_document
from materials.enums import (
    DeliverableState,
    MaterialKind,
    MaterialState,
    MembershipBasis,
    TextExtraction,
    VersionReview,
)
from materials.models import Deliverable, Material, MaterialVersion, Membership, WorkingGroup
from materials.services import search
from missions.enums import MissionState
from missions.models import Mission, MissionMaterial
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

DEMO_EXPERT = "expert@demo.ace-portal.example"
DEMO_OFFICER = "secretariat@demo.ace-portal.example"


@pytest.fixture
def seeded():
    call_command("seed_demo", experts=300, missions=10, seed=3, verbosity=0)


def test_the_demo_groups_are_of_holders_with_deliverables_in_every_state(seeded):
    groups = list(WorkingGroup.objects.select_related("workshop"))
    assert 4 <= len(groups) <= 6
    for group in groups:
        current = Membership.objects.filter(group=group, left_at__isnull=True)
        members = set(current.values_list("expert_id", flat=True))
        assert group.coordinator_id in members
        assert 4 <= len(members) <= 9  # the coordinator and 3-8 more
        assert set(current.values_list("basis", flat=True)) == {MembershipBasis.ACCREDITED}
        holders = Accreditation.objects.filter(
            area=group.area_id, state__in=HOLDING_STATES, expert__in=members
        ).values_list("expert_id", flat=True)
        assert set(holders) == members
    refreshers = Workshop.objects.filter(
        kind=WorkshopKind.REFRESHER, area__in=[group.area_id for group in groups]
    )
    formed = [group for group in groups if group.workshop_id]
    assert len(formed) == (1 if refreshers.exists() else 0)
    for group in formed:
        assert group.workshop.kind == WorkshopKind.REFRESHER
        assert group.workshop.area_id == group.area_id
    today = timezone.localdate()
    assert set(Deliverable.objects.values_list("state", flat=True)) == set(DeliverableState)
    pending = Deliverable.objects.exclude(state=DeliverableState.DONE)
    assert pending.filter(due_date__lt=today).exists()  # overdue
    assert pending.filter(due_date__gte=today, due_date__lte=today + timedelta(7)).exists()
    linked = Deliverable.objects.filter(material__isnull=False).select_related("material")
    assert all(row.material.group_id == row.group_id for row in linked)


def _opens_as_its_suffix(version) -> None:
    with version.file.open("rb") as handle:
        content = handle.read()
    assert len(content) == version.size and 0 < version.size < 200_000
    suffix = "." + version.file.name.rsplit(".", 1)[1]
    if suffix == ".pdf":
        assert content.startswith(b"%PDF-")
    upload = SimpleUploadedFile(f"file{suffix}", content)
    assert validate_document(upload, limit=10**6) == suffix
    assert version.download_name.endswith(suffix)


def test_the_demo_library_has_every_kind_and_state_in_real_files(seeded):
    materials = Material.objects.all()
    assert 15 <= materials.count() <= 30
    assert set(materials.values_list("kind", flat=True)) == set(MaterialKind)
    assert set(materials.values_list("state", flat=True)) == set(MaterialState)
    assert Material.languages.through.objects.values("language").distinct().count() >= 3
    assert not materials.filter(tags="").exists()
    reviews = set(MaterialVersion.objects.values_list("review", flat=True))
    assert reviews == set(VersionReview)
    returned = MaterialVersion.objects.filter(review=VersionReview.RETURNED)
    assert not returned.filter(review_comments="").exists()
    withdrawn = materials.filter(state=MaterialState.WITHDRAWN)
    assert not withdrawn.filter(withdrawn_reason="").exists()
    # The Secretariat's own tools, published directly.
    assert materials.filter(group__isnull=True, state=MaterialState.PUBLISHED).count() >= 5
    for material in materials.exclude(state=MaterialState.DRAFT).select_related(
        "published_version"
    ):
        version = material.published_version
        assert version.material_id == material.pk and version.review == VersionReview.APPROVED
    published = materials.filter(state=MaterialState.PUBLISHED, group__isnull=False)
    assert any(material.versions.count() == 3 for material in published)
    assert not materials.filter(state=MaterialState.DRAFT, published_version__isnull=False)
    for version in MaterialVersion.objects.all():
        _opens_as_its_suffix(version)
        assert version.extraction == TextExtraction.DONE and version.text
    # Found by words only inside the file (not in a title, description or tag).
    [found] = search.search(materials.published(), "chain of custody")
    assert found.title == "Handbook on legal and practical measures against IPR offences"
    assert "chain of custody" in found.body_text


def test_the_demo_expert_works_in_a_group_and_uses_materials_on_their_mission(seeded):
    expert = Expert.objects.get(user__email=DEMO_EXPERT)
    [group] = WorkingGroup.objects.with_member(expert)
    seen = Material.objects.visible_to(expert.user)
    own = seen.filter(group=group)
    assert own.filter(state=MaterialState.DRAFT).exists()
    assert own.filter(state=MaterialState.PUBLISHED).exists()
    assert MaterialVersion.objects.filter(material__group=group, uploaded_by=expert.user).exists()
    # The Secretariat has versions to review.
    officer_sees = Material.objects.visible_to(
        expert.user.__class__.objects.get(email=DEMO_OFFICER)
    )
    assert officer_sees.filter(versions__review=VersionReview.IN_REVIEW).count() >= 3
    mission = Mission.objects.get(
        state=MissionState.CONFIRMED, positions__assignments__expert=expert
    )
    links = MissionMaterial.objects.filter(mission=mission).select_related("material")
    assert 1 <= len(links) <= 2
    assert all(link.material.is_published for link in links)
    client = sign_in(Client(), expert.user)
    page = client.get(reverse("missions:my_mission", args=[mission.reference]))
    url = reverse("missions:material_file", args=[mission.reference, links[0].material_id])
    assert url in page.text
    assert client.get(url).status_code == 200
    # A second run keeps the library and the attachments as they are.
    counts = (WorkingGroup.objects.count(), Material.objects.count(), len(links))
    call_command("seed_demo", verbosity=0)
    assert counts == (
        WorkingGroup.objects.count(),
        Material.objects.count(),
        MissionMaterial.objects.filter(mission=mission).count(),
    )


def test_a_reset_rebuilds_the_library_and_missions_0_attaches_nothing(
    django_capture_on_commit_callbacks,
):
    call_command("seed_demo", experts=60, missions=0, seed=3, verbosity=0)
    old = list(MaterialVersion.objects.values_list("file", flat=True))
    storage = MaterialVersion._meta.get_field("file").storage
    assert old and all(storage.exists(name) for name in old)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", experts=60, missions=0, seed=4, reset=True, verbosity=0)
    assert not Mission.objects.exists() and not MissionMaterial.objects.exists()
    assert Material.objects.filter(group__isnull=True).count() == 9  # the Secretariat's tools
    assert MaterialVersion.objects.count() >= 10
    assert not any(storage.exists(name) for name in old)
