"""Library materials on a mission: the Secretariat attaches published materials of the training
library to a mission; its seated experts open their published version from their mission's
page, whatever areas they hold; anybody else gets 404, and so does everybody once the material
is withdrawn (its link leaves the expert's page)."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experts.demo.requests import tiny_pdf
from materials.enums import MaterialKind, MaterialState, VersionReview
from materials.models import Material, MaterialVersion
from missions.enums import MissionState, PositionRole
from missions.models import Mission, MissionMaterial
from missions.services import missions, positions, preparation
from missions.services.errors import MissionError
from tests.conftest import sign_in
from tests.factories import area
from tests.missions.preparation import invited, seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


@pytest.fixture
def seated(staffing, pool, officer):
    """Amani (accredited in risk management only) confirmed on the lead seat of the Ghana
    mission, a risk management mission, the mission confirmed."""
    assignment = seat(staffing, pool["Amani"], officer)
    missions.confirm(staffing.mission.pk, by=officer)
    return assignment


@pytest.fixture
def mission(seated):
    return seated.position.mission


@pytest.fixture
def amani_client(client, pool):
    sign_in(client, pool["Amani"].user)
    return client


def make_material(officer, *, title="E-commerce risk indicators", area_code="e-commerce",
                  versions=1, state=MaterialState.PUBLISHED):  # fmt: skip
    """A material with ``versions`` approved versions, each a small PDF saying its number; the
    last one published unless ``state`` says otherwise."""
    material = Material.objects.create(
        area=area(area_code), title=title, kind=MaterialKind.RISK_INDICATORS, created_by=officer
    )
    version = None
    for number in range(1, versions + 1):
        content = tiny_pdf([title, f"Version {number}"])
        version = MaterialVersion(
            material=material,
            number=number,
            review=VersionReview.APPROVED,
            original_name=f"{title} v{number}.pdf",
            content_type="application/pdf",
            size=len(content),
            uploaded_by=officer,
        )
        version.file.save("material.pdf", ContentFile(content), save=False)
        version.save()
    if state == MaterialState.PUBLISHED:
        material.published_version, material.published_at = version, timezone.now()
    material.state = state
    material.save()
    return material


def detail_url(mission) -> str:
    return reverse("missions:detail", args=[mission.reference])


def file_url(mission, material) -> str:
    return reverse("missions:material_file", args=[mission.reference, material.pk])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- The Secretariat attaches and detaches ----------------------------------------------------


def test_the_officer_attaches_a_published_material_and_detaches_it(
    officer_client, mission, officer
):
    material = make_material(officer)
    page = officer_client.get(detail_url(mission))
    assert reverse("missions:attach_material", args=[mission.reference]) in page.text
    assert f'<option value="{material.pk}">E-commerce risk indicators (Risk indicators)' in (
        page.text
    )
    attach = reverse("missions:attach_material", args=[mission.reference])
    response = officer_client.post(attach, {"material": material.pk})
    assert response.status_code == 302
    assert response.url == detail_url(mission) + "#library-materials"
    link = MissionMaterial.objects.get()
    assert (link.mission, link.material, link.added_by) == (mission, material, officer)
    page = officer_client.get(detail_url(mission))
    assert "Material attached: the mission&#x27;s experts can open it." in page.text
    assert file_url(mission, material) in page.text
    # Once attached, it leaves the choices.
    assert f'<option value="{material.pk}">' not in page.text
    detach = reverse("missions:detach_material", args=[mission.reference, material.pk])
    response = officer_client.post(detach, follow=True)
    assert "Material detached from the mission." in response.text
    assert not MissionMaterial.objects.exists()
    assert Material.objects.get(pk=material.pk).state == MaterialState.PUBLISHED


def test_the_choices_are_the_published_materials_grouped_by_area_the_missions_first(
    officer_client, mission, officer
):
    other = make_material(officer, title="Abandoned goods: a case study", area_code="e-commerce")
    own = make_material(officer, title="Selectivity profiles", area_code="risk-management")
    draft = make_material(officer, title="Draft indicators", state=MaterialState.DRAFT)
    gone = make_material(officer, title="Old indicators", state=MaterialState.WITHDRAWN)
    text = officer_client.get(detail_url(mission)).text
    form = text.split(reverse("missions:attach_material", args=[mission.reference]))[1]
    assert form.index('<optgroup label="Risk management">') < form.index(
        '<optgroup label="Cross-border e-commerce">'
    )
    assert form.index(f'value="{own.pk}"') < form.index(f'value="{other.pk}"')
    assert f'value="{draft.pk}"' not in form and f'value="{gone.pk}"' not in form


def test_attaching_refuses_a_draft_a_withdrawn_material_a_second_time_and_a_closed_mission(
    mission, officer
):
    draft = make_material(officer, title="Draft", state=MaterialState.DRAFT)
    gone = make_material(officer, title="Withdrawn", state=MaterialState.WITHDRAWN)
    published = make_material(officer)
    for material in (draft, gone):
        with pytest.raises(MissionError, match="Only a published material of the library"):
            preparation.attach_material(mission.pk, material.pk, by=officer)
    with pytest.raises(MissionError, match="Only a published material of the library"):
        preparation.attach_material(mission.pk, 999_999, by=officer)
    preparation.attach_material(mission.pk, published.pk, by=officer)
    with pytest.raises(MissionError, match="attached to the mission already"):
        preparation.attach_material(mission.pk, published.pk, by=officer)
    assert MissionMaterial.objects.count() == 1
    Mission.objects.filter(pk=mission.pk).update(state=MissionState.CLOSED)
    other = make_material(officer, title="Another")
    with pytest.raises(preparation.PreparationClosed):
        preparation.attach_material(mission.pk, other.pk, by=officer)
    with pytest.raises(preparation.PreparationClosed):
        preparation.detach_material(mission.pk, published.pk, by=officer)
    assert list(MissionMaterial.objects.values_list("material", flat=True)) == [published.pk]


def test_only_the_secretariat_attaches_and_detaches(client, mission, officer, pool):
    material = make_material(officer)
    amani = pool["Amani"].user
    with pytest.raises(preparation.NotAllowed):
        preparation.attach_material(mission.pk, material.pk, by=amani)
    sign_in(client, amani)
    attach = reverse("missions:attach_material", args=[mission.reference])
    assert client.post(attach, {"material": material.pk}).status_code == 404
    assert not MissionMaterial.objects.exists()
    preparation.attach_material(mission.pk, material.pk, by=officer)
    detach = reverse("missions:detach_material", args=[mission.reference, material.pk])
    assert client.post(detach).status_code == 404
    assert Client().post(detach).status_code == 302  # to sign in
    assert MissionMaterial.objects.count() == 1


def test_bad_input_says_why_and_changes_nothing(officer_client, mission, officer):
    draft = make_material(officer, title="Draft", state=MaterialState.DRAFT)
    attach = reverse("missions:attach_material", args=[mission.reference])
    for value in ("", "abc", str(draft.pk), "99999999999999999999"):
        response = officer_client.post(attach, {"material": value}, follow=True)
        assert response.status_code == 200
        assert "Material of the library:" in response.text
    assert officer_client.get(attach).status_code == 405
    detach = reverse("missions:detach_material", args=[mission.reference, draft.pk])
    response = officer_client.post(detach, follow=True)
    assert "This material is not attached to the mission." in response.text
    assert not MissionMaterial.objects.exists()


def test_a_closed_mission_lists_its_materials_without_the_forms(officer_client, mission, officer):
    material = make_material(officer)
    preparation.attach_material(mission.pk, material.pk, by=officer)
    Mission.objects.filter(pk=mission.pk).update(state=MissionState.CLOSED)
    text = officer_client.get(detail_url(mission)).text
    assert file_url(mission, material) in text
    assert reverse("missions:attach_material", args=[mission.reference]) not in text
    detach = reverse("missions:detach_material", args=[mission.reference, material.pk])
    assert detach not in text
    response = officer_client.post(detach, follow=True)
    assert "its documents no longer change" in response.text
    assert MissionMaterial.objects.count() == 1


# --- The mission's experts --------------------------------------------------------------------


def test_the_seat_holder_downloads_the_published_version_outside_their_areas(
    amani_client, mission, officer, pool
):
    material = make_material(officer, versions=2)
    preparation.attach_material(mission.pk, material.pk, by=officer)
    assert not Material.objects.visible_to(pool["Amani"].user).exists()  # not in her areas
    page = amani_client.get(reverse("missions:my_mission", args=[mission.reference]))
    assert "E-commerce risk indicators" in page.text and "version 2" in page.text
    assert file_url(mission, material) in page.text
    assert "Detach" not in page.text
    download = amani_client.get(file_url(mission, material))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"] == (
        'attachment; filename="E-commerce risk indicators v2.pdf"'
    )
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF-") and b"Version 2" in body


def test_material_files_reach_the_seated_experts_and_the_secretariat_only(
    mission, staffing, pool, officer, bob, carol, toa
):
    material = make_material(officer)
    preparation.attach_material(mission.pk, material.pk, by=officer)
    url = file_url(mission, material)
    Mission.objects.filter(pk=mission.pk).update(state=MissionState.STAFFING)
    co = positions.add_position(
        mission.pk, role=PositionRole.CO_FACILITATOR, profile_type=toa, area=staffing.area,
        by=officer,
    )  # fmt: skip
    invited(co, pool["Bello"], officer)
    Mission.objects.filter(pk=mission.pk).update(state=MissionState.CONFIRMED)

    def status(user):
        client = Client()
        if user is not None:
            sign_in(client, user)
        return client.get(url)

    anonymous = status(None)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    seen = {
        name: status(user).status_code
        for name, user in [
            ("officer", officer),
            ("seat holder", pool["Amani"].user),
            ("other expert", bob.user),
            ("holder of the material's area, not on the mission", carol.user),
            ("pending invitee", pool["Bello"].user),
        ]
    }
    assert seen == {
        "officer": 200,
        "seat holder": 200,
        "other expert": 404,
        "holder of the material's area, not on the mission": 404,
        "pending invitee": 404,
    }
    # Published but not attached to this mission, or the right material under another one.
    loose = make_material(officer, title="Not attached")
    client = sign_in(Client(), officer)
    assert client.get(file_url(mission, loose)).status_code == 404
    other = reverse("missions:material_file", args=["2027-999", material.pk])
    assert client.get(other).status_code == 404


def test_a_withdrawn_material_leaves_the_expert_page_and_its_file_404s(
    amani_client, mission, officer
):
    """Withdrawal keeps the link row (the Secretariat sees it, marked, and may detach it), but
    the experts no longer see the material and its file is refused to everybody."""
    material = make_material(officer)
    preparation.attach_material(mission.pk, material.pk, by=officer)
    mine = reverse("missions:my_mission", args=[mission.reference])
    assert file_url(mission, material) in amani_client.get(mine).text
    Material.objects.filter(pk=material.pk).update(
        state=MaterialState.WITHDRAWN,
        withdrawn_reason="Superseded by the 2027 indicators.",
        withdrawn_at=timezone.now(),
    )
    page = amani_client.get(mine)
    assert "E-commerce risk indicators" not in page.text
    assert file_url(mission, material) not in page.text
    assert amani_client.get(file_url(mission, material)).status_code == 404
    officer_client = sign_in(Client(), officer)
    assert officer_client.get(file_url(mission, material)).status_code == 404
    officer_page = officer_client.get(detail_url(mission)).text
    assert "no longer published: the experts do not see it" in officer_page
    assert f'href="{file_url(mission, material)}"' not in officer_page
    detach = reverse("missions:detach_material", args=[mission.reference, material.pk])
    assert detach in officer_page


def test_the_admin_lists_a_missions_materials(admin_user, mission, officer):
    material = make_material(officer)
    preparation.attach_material(mission.pk, material.pk, by=officer)
    client = sign_in(Client(), admin_user)
    page = client.get(reverse("admin:missions_mission_change", args=[mission.pk]))
    assert page.status_code == 200 and "E-commerce risk indicators" in page.text


# --- Queries ----------------------------------------------------------------------------------


def _attach(mission, officer, count: int):
    for n in range(count):
        area_code = "e-commerce" if n % 2 else "risk-management"
        material = make_material(officer, title=f"Material {n}", area_code=area_code, versions=2)
        preparation.attach_material(mission.pk, material.pk, by=officer)
    # Some left to attach, in two areas, for the choices.
    make_material(officer, title="Free one", area_code="transit")
    make_material(officer, title="Free two", area_code="e-commerce")


def test_the_expert_page_takes_as_many_queries_with_more_materials(amani_client, mission, officer):
    url = reverse("missions:my_mission", args=[mission.reference])
    _queries(amani_client, url)  # warm the session
    _attach(mission, officer, 1)
    few = _queries(amani_client, url)
    _attach(mission, officer, 4)
    assert _queries(amani_client, url) == few


def test_the_mission_page_takes_as_many_queries_with_more_materials(
    officer_client, mission, officer
):
    url = detail_url(mission)
    _queries(officer_client, url)
    _attach(mission, officer, 1)
    few = _queries(officer_client, url)
    _attach(mission, officer, 4)
    assert _queries(officer_client, url) == few
