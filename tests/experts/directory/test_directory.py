"""The Secretariat's expert directory: filters, full-text search, sorts and keyset pages, bad
input, query counts, htmx, permissions and saved searches (PostgreSQL: the search is its own).

Most tests run against ``roster``: eight experts whose every filterable attribute is chosen, so
that each filter combination has an exact expected set of family names.
"""

import base64
import json
import re
from datetime import UTC, date, datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ace_portal import widgets as lean_widgets
from ace_portal.accounts.roles import Role
from experts.enums import EmploymentStatus, Gender, Proficiency
from experts.models import (
    Expert,
    Expertise,
    ExpertLanguage,
    MemberAdministration,
    ProfileType,
    Region,
    SavedSearch,
    UnavailablePeriod,
)
from experts.services import directory
from experts.services.accreditation import transitions as accreditation
from experts.services.directory import Sort, filter_experts, page_of
from experts.services.search import refresh_search_vectors
from tests.conftest import STAFF_TOTP_SECRET, sign_in
from tests.factories import ExpertFactory, UserFactory, area, language

pytestmark = pytest.mark.django_db

if connection.vendor != "postgresql":  # pragma: no cover - the directory's search is PostgreSQL's
    pytest.skip("the directory tests need PostgreSQL (DATABASE_URL)", allow_module_level=True)

URL = "/secretariat/experts/"
P = Proficiency

# Symbols used in the filter specifications below, resolved to primary keys in the test.
AREAS = {
    "PCA": "post-clearance-audit",
    "RM": "risk-management",
    "VAL": "customs-valuation",
    "TR": "transit",
}

# The roster: family name -> attributes. Availability is checked against 10-20 March 2031.
ROSTER = {
    "García": dict(
        given="María",
        admin="BR",  # AMS
        areas=["PCA", "RM"],
        languages={"es": P.NATIVE, "en": P.B2},
        gender=Gender.FEMALE,
        status=EmploymentStatus.SERVING,
        remote=False,
        position="Senior auditor",
        biography="",
        unavailable=[(date(2031, 3, 1), date(2031, 3, 10))],  # ends on the first day
        completeness=80,
        updated=datetime(2031, 1, 8, 12, tzinfo=UTC),
    ),
    "Dupont": dict(
        given="Jean",
        admin="FR",  # EUR
        areas=["PCA"],
        languages={"fr": P.NATIVE, "en": P.B1},
        gender=Gender.MALE,
        status=EmploymentStatus.RETIRED,
        remote=True,
        position="Port director",
        biography="",
        unavailable=[(date(2031, 3, 20), date(2031, 3, 25))],  # starts on the last day
        completeness=60,
        updated=datetime(2031, 1, 7, 12, tzinfo=UTC),
    ),
    "Mwangi": dict(
        given="Alice",
        admin="KE",  # ESA
        areas=["RM", "VAL"],
        languages={"en": P.C2, "fr": P.A2},
        gender=Gender.FEMALE,
        status=EmploymentStatus.SERVING,
        remote=False,
        position="Risk analyst",
        biography="Enjoys beekeeping and chess.",
        unavailable=[(date(2031, 3, 1), date(2031, 3, 9))],  # ends the day before
        completeness=80,
        updated=datetime(2031, 1, 6, 12, tzinfo=UTC),
    ),
    "Okafor": dict(
        given="Bob",
        admin="NG",  # WCA
        areas=["TR"],
        languages={"en": P.NATIVE, "fr": P.C1},
        gender=Gender.MALE,
        status=EmploymentStatus.LEFT,
        remote=True,
        position="Border inspector",
        biography="",
        unavailable=[(date(2031, 3, 21), date(2031, 4, 1))],  # starts the day after
        completeness=20,
        updated=datetime(2031, 1, 9, 12, tzinfo=UTC),
    ),
    "Tanaka": dict(
        given="Yuki",
        admin="JP",  # AP
        areas=["VAL", "PCA", "RM"],
        languages={"en": P.C1, "fr": P.B2},
        gender=Gender.UNDISCLOSED,
        status=EmploymentStatus.SERVING,
        remote=False,
        position="Laboratory chemist",
        biography="",
        unavailable=[(date(2031, 3, 12), date(2031, 3, 15))],  # inside the range
        completeness=100,
        updated=datetime(2031, 1, 5, 12, tzinfo=UTC),
    ),
    "Benali": dict(
        given="Karim",
        admin="MA",  # MENA
        areas=[],
        languages={"ar": P.NATIVE, "fr": P.C2},
        gender=Gender.MALE,
        status=EmploymentStatus.SERVING,
        remote=False,
        position="",
        biography="",
        unavailable=[(date(2031, 3, 1), date(2031, 4, 30))],  # covers the range
        completeness=0,
        updated=datetime(2031, 1, 4, 12, tzinfo=UTC),
    ),
    "Schmidt": dict(
        given="Anna",
        admin="DE",  # EUR
        areas=["RM"],
        languages={"en": P.B2, "fr": P.B1},
        gender=Gender.FEMALE,
        status=EmploymentStatus.RETIRED,
        remote=True,
        position="Trainer",
        biography="Trained with Tanaka in Osaka.",
        unavailable=[],
        completeness=60,
        updated=datetime(2031, 1, 3, 12, tzinfo=UTC),
    ),
    "Moreau": dict(
        given="Claire",
        admin="FR",  # EUR
        areas=["VAL"],
        languages={"fr": P.NATIVE},
        gender=Gender.FEMALE,
        status=EmploymentStatus.SERVING,
        remote=False,
        position="Customs inspector",
        biography="",
        unavailable=[],
        completeness=40,
        updated=datetime(2031, 1, 3, 12, tzinfo=UTC),  # ties with Schmidt
    ),
}
EVERYONE = set(ROSTER)


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture
def roster(officer):
    """The eight experts of ROSTER (created in that order) with their accreditations:
    García recognized DF/PCA; Dupont nominated CMA/PCA; Mwangi accredited DF/RM;
    Tanaka recognized DF/VAL and not retained CMA/RM; Okafor withdrawn CMA/TR."""
    experts = {}
    for family, spec in ROSTER.items():
        expert = ExpertFactory(
            given_names=spec["given"],
            family_name=family,
            home_administration=MemberAdministration.objects.get(iso_code=spec["admin"]),
            gender=spec["gender"],
            employment_status=spec["status"],
            remote_only=spec["remote"],
            position=spec["position"],
            biography=spec["biography"],
        )
        for index, code in enumerate(spec["areas"]):
            Expertise.objects.create(expert=expert, area=area(AREAS[code]), years=index + 2)
        for code, level in spec["languages"].items():
            ExpertLanguage.objects.create(expert=expert, language=language(code), proficiency=level)
        for start, end in spec["unavailable"]:
            UnavailablePeriod.objects.create(expert=expert, start_date=start, end_date=end)
        experts[family] = expert

    df, cma = ProfileType.objects.get(code="DF"), ProfileType.objects.get(code="CMA")
    why = {"by": officer, "reason": "Test roster."}
    accreditation.recognize(experts["García"], df, area(AREAS["PCA"]), **why)
    accreditation.nominate(experts["Dupont"], cma, area(AREAS["PCA"]), **why)
    held = accreditation.nominate(experts["Mwangi"], df, area(AREAS["RM"]), **why)
    accreditation.shortlist(held.pk, **why)
    accreditation.pre_accredit(held.pk, **why)
    accreditation.accredit(held.pk, **why)
    accreditation.recognize(experts["Tanaka"], df, area(AREAS["VAL"]), **why)
    dropped = accreditation.nominate(experts["Tanaka"], cma, area(AREAS["RM"]), **why)
    accreditation.not_retain(dropped.pk, **why)
    gone = accreditation.recognize(experts["Okafor"], cma, area(AREAS["TR"]), **why)
    accreditation.withdraw(gone.pk, **why)

    refresh_search_vectors()
    for family, spec in ROSTER.items():
        # QuerySet.update() leaves auto_now alone: the chosen timestamps stay.
        Expert.objects.filter(pk=experts[family].pk).update(
            completeness=spec["completeness"], updated_at=spec["updated"]
        )
    return experts


def resolve(spec: dict) -> dict:
    """Turn a filter specification with symbols (area codes, ISO codes ...) into GET data."""
    data = {}
    for key, value in spec.items():
        values = value if isinstance(value, list) else [value]
        if key == "area":
            values = [str(area(AREAS[code]).pk) for code in values]
        elif key == "language":
            values = [str(language(code).pk) if code else "" for code in values]
        elif key == "level":
            values = [str(int(level)) if level != "" else "" for level in values]
        elif key == "region":
            values = [str(Region.objects.get(code=code).pk) for code in values]
        elif key == "administration":
            values = [str(MemberAdministration.objects.get(iso_code=iso).pk) for iso in values]
        elif key == "profile":
            values = [str(ProfileType.objects.get(code=code).pk) for code in values]
        data[key] = values if isinstance(value, list) else values[0]
    return data


def rows(response) -> list[str]:
    """Family names of the rows shown, in order."""
    assert response.status_code == 200
    return [row["family_name"] for row in response.context["page"].rows]


def found(client, spec: dict, **extra) -> list[str]:
    return rows(client.get(URL, {**resolve(spec), "size": "100", **extra}))


def token(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# --- Filters: exact result sets --------------------------------------------------------------

FILTERS = [
    # Areas: "all of" is the default; "any of" widens.
    ("one area", {"area": ["PCA"]}, {"García", "Dupont", "Tanaka"}),
    ("areas all of", {"area": ["PCA", "RM"]}, {"García", "Tanaka"}),
    ("areas all of, explicit", {"area": ["PCA", "RM"], "area_mode": "all"}, {"García", "Tanaka"}),
    ("areas all of RM+VAL", {"area": ["RM", "VAL"]}, {"Mwangi", "Tanaka"}),
    ("areas all of three", {"area": ["PCA", "RM", "VAL"]}, {"Tanaka"}),
    (
        "areas any of",
        {"area": ["PCA", "RM"], "area_mode": "any"},
        {"García", "Dupont", "Mwangi", "Tanaka", "Schmidt"},
    ),
    (
        "areas any of TR+VAL",
        {"area": ["TR", "VAL"], "area_mode": "any"},
        {"Mwangi", "Okafor", "Tanaka", "Moreau"},
    ),
    # Languages: at or above the level; several languages are all required.
    (
        "English B2 or better",
        {"language": ["en"], "level": [P.B2]},
        {"García", "Mwangi", "Okafor", "Tanaka", "Schmidt"},  # not Dupont (B1)
    ),
    ("English C1 or better", {"language": ["en"], "level": [P.C1]}, {"Mwangi", "Okafor", "Tanaka"}),
    ("French native", {"language": ["fr"], "level": [P.NATIVE]}, {"Dupont", "Moreau"}),
    (
        "English without a level: any level",
        {"language": ["en"], "level": [""]},
        {"García", "Dupont", "Mwangi", "Okafor", "Tanaka", "Schmidt"},
    ),
    (
        "English B2 and French B2",
        {"language": ["en", "fr"], "level": [P.B2, P.B2]},
        {"Okafor", "Tanaka"},  # Mwangi's French is A2, Schmidt's B1
    ),
    (
        "empty language rows are ignored",
        {"language": ["es", "", ""], "level": [P.A1, "", ""]},
        {"García"},
    ),
    # Availability: no unavailable period may touch the range (dates are inclusive).
    (
        "available 10-20 March",
        {"available_from": "2031-03-10", "available_to": "2031-03-20"},
        {"Mwangi", "Okafor", "Schmidt", "Moreau"},
    ),
    (
        "available on 10 March only (one date)",
        {"available_from": "2031-03-10"},
        EVERYONE - {"García", "Benali"},
    ),
    (
        "available on 20 March only (end date alone)",
        {"available_to": "2031-03-20"},
        EVERYONE - {"Dupont", "Benali"},
    ),
    ("available in 2032", {"available_from": "2032-01-01", "available_to": "2032-12-31"}, EVERYONE),
    # Where and who.
    ("region EUR", {"region": ["EUR"]}, {"Dupont", "Schmidt", "Moreau"}),
    ("regions EUR or ESA", {"region": ["EUR", "ESA"]}, {"Dupont", "Schmidt", "Moreau", "Mwangi"}),
    ("administration France", {"administration": ["FR"]}, {"Dupont", "Moreau"}),
    ("administrations Japan or Kenya", {"administration": ["JP", "KE"]}, {"Tanaka", "Mwangi"}),
    ("remote only", {"remote_only": "yes"}, {"Dupont", "Okafor", "Schmidt"}),
    ("not remote only", {"remote_only": "no"}, {"García", "Mwangi", "Tanaka", "Benali", "Moreau"}),
    ("remote either", {"remote_only": ""}, EVERYONE),
    ("gender female", {"gender": ["female"]}, {"García", "Mwangi", "Schmidt", "Moreau"}),
    (
        "gender male or undisclosed",
        {"gender": ["male", "undisclosed"]},
        {"Dupont", "Okafor", "Tanaka", "Benali"},
    ),
    ("retired", {"employment_status": ["retired"]}, {"Dupont", "Schmidt"}),
    (
        "retired or left",
        {"employment_status": ["retired", "left"]},
        {"Dupont", "Schmidt", "Okafor"},
    ),
    # Accreditation: a state, or any live one of a profile; areas restrict the accreditations.
    ("recognized", {"accreditation_state": ["recognized"]}, {"García", "Tanaka"}),
    (
        "accredited or recognized",
        {"accreditation_state": ["accredited", "recognized"]},
        {"García", "Mwangi", "Tanaka"},
    ),
    ("not retained", {"accreditation_state": ["not_retained"]}, {"Tanaka"}),
    ("withdrawn", {"accreditation_state": ["withdrawn"]}, {"Okafor"}),
    ("profile DF (live)", {"profile": ["DF"]}, {"García", "Mwangi", "Tanaka"}),
    ("profile CMA (live only)", {"profile": ["CMA"]}, {"Dupont"}),
    (
        "profile CMA not retained",
        {"profile": ["CMA"], "accreditation_state": ["not_retained"]},
        {"Tanaka"},
    ),
    ("profile DF in valuation", {"profile": ["DF"], "area": ["VAL"]}, {"Tanaka"}),
    ("profile DF in risk", {"profile": ["DF"], "area": ["RM"]}, {"Mwangi"}),
    ("recognized in PCA", {"accreditation_state": ["recognized"], "area": ["PCA"]}, {"García"}),
    # Combinations.
    (
        "risk (any) + English B2 + available + female",
        {
            "area": ["RM"],
            "area_mode": "any",
            "language": ["en"],
            "level": [P.B2],
            "available_from": "2031-03-10",
            "available_to": "2031-03-20",
            "gender": ["female"],
        },
        {"Mwangi", "Schmidt"},
    ),
    (
        "... and not remote only",
        {
            "area": ["RM"],
            "area_mode": "any",
            "language": ["en"],
            "level": [P.B2],
            "available_from": "2031-03-10",
            "available_to": "2031-03-20",
            "gender": ["female"],
            "remote_only": "no",
        },
        {"Mwangi"},
    ),
    (
        "PCA + English B2 + region AMS or AP",
        {"area": ["PCA"], "language": ["en"], "level": [P.B2], "region": ["AMS", "AP"]},
        {"García", "Tanaka"},
    ),
    (
        "text + French B2",
        {"q": "valuation", "language": ["fr"], "level": [P.B2]},
        {"Tanaka", "Moreau"},
    ),
    ("nobody", {"region": ["EUR"], "gender": ["undisclosed"]}, set()),
    ("no filter", {}, EVERYONE),
]


@pytest.mark.parametrize(
    ("spec", "expected"), [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS]
)
def test_filter_gives_exact_set(officer_client, roster, spec, expected):
    names = found(officer_client, spec)
    assert set(names) == expected
    assert len(names) == len(expected)  # no expert twice (joins would duplicate)


def heading(response) -> str:
    """The results' heading, e.g. "3 experts"."""
    found = re.search(r'<h2 id="results-title">(.*?)</h2>', response.content.decode(), re.DOTALL)
    return " ".join(found.group(1).split())


def test_filter_count_in_heading(officer_client, roster):
    response = officer_client.get(URL, resolve({"area": ["PCA", "RM"], "area_mode": "any"}))
    assert heading(response) == "5 experts"
    assert heading(officer_client.get(URL, resolve({"administration": ["KE"]}))) == "1 expert"
    assert heading(officer_client.get(URL, resolve({"administration": ["CO"]}))) == "0 experts"
    assert (
        "No expert matches these filters."
        in officer_client.get(URL, resolve({"administration": ["CO"]})).content.decode()
    )


# --- Full-text search ------------------------------------------------------------------------

SEARCHES = [
    ("family name", "Tanaka", ["Tanaka", "Schmidt"]),  # name (A) before biography (C)
    ("given and family name", "Alice Mwangi", ["Mwangi"]),
    ("case does not matter", "mWANGI", ["Mwangi"]),
    ("accent typed without", "Garcia", ["García"]),
    ("accent typed with", "García", ["García"]),
    ("both names without accents", "maria garcia", ["García"]),
    ("position words", "laboratory chemist", ["Tanaka"]),
    ("position word", "inspector", ["Okafor", "Moreau"]),
    ("area name (English)", "valuation", ["Mwangi", "Tanaka", "Moreau"]),
    (
        "area name (French, accents dropped)",
        "controle a posteriori",
        ["García", "Dupont", "Tanaka"],
    ),
    ("administration (English)", "Kenya", ["Mwangi"]),
    ("administration (French)", "Maroc", ["Benali"]),
    ("biography word", "beekeeping", ["Mwangi"]),
    ("quoted phrase", '"risk analyst"', ["Mwangi"]),
    ("excluded word", "inspector -Moreau", ["Okafor"]),
    ("either word", "beekeeping or chemist", ["Mwangi", "Tanaka"]),
    ("no match", "zzz-nobody", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [s[1:] for s in SEARCHES], ids=[s[0] for s in SEARCHES]
)
def test_text_search(officer_client, roster, text, expected):
    names = found(officer_client, {"q": text}, sort="name")
    assert sorted(names) == sorted(expected)


def test_relevance_puts_a_name_match_above_a_biography_match(officer_client, roster):
    # Schmidt's biography mentions Tanaka; Tanaka's name is Tanaka.
    assert found(officer_client, {"q": "tanaka"}) == ["Tanaka", "Schmidt"]  # relevance by default
    assert found(officer_client, {"q": "tanaka"}, sort="relevance") == ["Tanaka", "Schmidt"]
    assert found(officer_client, {"q": "tanaka"}, sort="name") == ["Schmidt", "Tanaka"]


def test_search_vector_follows_profile_changes_through_the_services(officer_client, roster):
    from experts.services import profile as services

    moreau = roster["Moreau"]
    moreau.biography = "Specialist in tobacco smuggling."
    moreau.save()
    assert found(officer_client, {"q": "tobacco"}) == []  # saved with the ORM only
    services.refresh_completeness(moreau)
    assert found(officer_client, {"q": "tobacco"}) == ["Moreau"]


def test_sqlite_fallback_search_and_relevance_sort(officer_client, roster, monkeypatch):
    """The local run's substring search (forced here on PostgreSQL): no rank to sort by."""
    from experts.services import search

    monkeypatch.setattr(search, "is_postgresql", lambda: False)
    assert sorted(found(officer_client, {"q": "Tanaka"})) == ["Schmidt", "Tanaka"]
    assert found(officer_client, {"q": "tanaka"}, sort="name") == ["Schmidt", "Tanaka"]
    assert found(officer_client, {"q": "ana inspector"}, sort="name") == []  # all words
    assert found(officer_client, {"q": "claire inspector"}, sort="name") == ["Moreau"]
    assert found(officer_client, {"q": "chemist"}, sort="relevance") == ["Tanaka"]


# --- Sorts and pages -------------------------------------------------------------------------

BY_NAME = ["Benali", "Dupont", "García", "Moreau", "Mwangi", "Okafor", "Schmidt", "Tanaka"]
BY_UPDATE = ["Okafor", "García", "Dupont", "Mwangi", "Tanaka", "Benali", "Moreau", "Schmidt"]
BY_COMPLETENESS = ["Tanaka", "García", "Mwangi", "Dupont", "Schmidt", "Moreau", "Okafor", "Benali"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("", BY_NAME), ("name", BY_NAME), ("updated", BY_UPDATE), ("completeness", BY_COMPLETENESS)],
)
def test_sort_order_is_exact(officer_client, roster, sort, expected):
    # Ties: Moreau and Schmidt were updated at the same instant (newest id first); García and
    # Mwangi, Dupont and Schmidt share a completeness (then by name).
    assert found(officer_client, {}, sort=sort) == expected


def walk(experts, sort, size):
    """Follow next cursors from the first page to the last; the pages' family names."""
    pages, after = [], ""
    for _ in range(50):
        page = page_of(experts, sort, size=size, after=after)
        pages.append([row["family_name"] for row in page.rows])
        if not page.next_cursor:
            return pages
        after = page.next_cursor
    raise AssertionError("the cursors never end")


@pytest.mark.parametrize(
    ("sort", "order"),
    [(Sort.NAME, BY_NAME), (Sort.UPDATED, BY_UPDATE), (Sort.COMPLETENESS, BY_COMPLETENESS)],
)
def test_cursors_visit_every_expert_exactly_once(roster, sort, order):
    # Every expert but Benali has an area: seven experts, pages of two.
    experts, _sort = filter_experts(
        {"area": [str(area(AREAS[c]).pk) for c in AREAS], "area_mode": "any"}
    )
    pages = walk(experts, sort, 2)
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert [name for page in pages for name in page] == [n for n in order if n != "Benali"]


@pytest.mark.parametrize(
    ("sort", "order"),
    [(Sort.NAME, BY_NAME), (Sort.UPDATED, BY_UPDATE), (Sort.COMPLETENESS, BY_COMPLETENESS)],
)
def test_cursors_beyond_the_count_cap_visit_every_expert_exactly_once(
    roster, monkeypatch, sort, order
):
    # More matches than the cap: pages come from the filters with the cursor's bound, not from
    # the ids of the matches (which the first query then has not all read).
    monkeypatch.setattr(directory, "COUNT_CAP", 3)
    experts, _sort = filter_experts(
        {"area": [str(area(AREAS[c]).pk) for c in AREAS], "area_mode": "any"}
    )
    pages = walk(experts, sort, 2)
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert [name for page in pages for name in page] == [n for n in order if n != "Benali"]
    first = page_of(experts, sort, size=2)
    assert (first.total, first.total_capped) == (3, True)


@pytest.mark.parametrize("sort", [Sort.NAME, Sort.UPDATED, Sort.COMPLETENESS])
def test_cursors_with_identical_sort_keys_rely_on_the_id(db, sort):
    experts = ExpertFactory.create_batch(7, given_names="Ana", family_name="Same")
    Expert.objects.update(updated_at=datetime(2031, 1, 1, tzinfo=UTC), completeness=50)
    pages = walk(Expert.objects.all(), sort, 2)
    seen = [name for page in pages for name in page]
    assert len(seen) == 7
    ids = []
    after = ""
    while True:
        page = page_of(Expert.objects.all(), sort, size=2, after=after)
        ids += [row["id"] for row in page.rows]
        if not page.next_cursor:
            break
        after = page.next_cursor
    expected = sorted(e.pk for e in experts)
    assert ids == (expected[::-1] if sort == Sort.UPDATED else expected)


def test_next_links_through_the_view_visit_everyone_once(officer_client):
    ExpertFactory.create_batch(23, given_names="Ana", family_name="Same")
    seen, query = [], {"size": "10"}
    for _ in range(5):
        response = officer_client.get(URL, query)
        page = response.context["page"]
        seen += [row["id"] for row in page.rows]
        assert heading(response) == "23 experts"  # the total on every page
        if not page.next_cursor:
            break
        assert f"after={page.next_cursor}" in response.text  # the Next link
        query = {"size": "10", "after": page.next_cursor}
    assert len(seen) == 23 == len(set(seen))
    assert "Back to the first page" in response.text


# Tokens that are no cursor of the sort: the page starts at the top.
TAMPERED = [
    "garbage",
    "!!!",
    "%%%",
    "=" * 10,
    "a" * 500,
    token([1, 2]),  # wrong arity
    token({"a": 1}),
    token([{"a": 1}, "b", 1]),
    token([None, None, None]),
    token(["a", "b", "c"]),  # an id that is no number
    token(["a", "b", 1e400]),  # infinity
    token(["a\u0000", "b", 1]),  # NUL, which PostgreSQL text cannot hold
    base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    base64.urlsafe_b64encode(b"[NaN, NaN, NaN]").decode(),
]


@pytest.mark.parametrize("sort", ["name", "updated", "completeness"])
@pytest.mark.parametrize("after", TAMPERED, ids=range(len(TAMPERED)))
def test_bad_cursor_gives_the_first_page(officer_client, roster, sort, after):
    first = found(officer_client, {}, sort=sort, size="10")
    assert found(officer_client, {}, sort=sort, size="10", after=after) == first


@pytest.mark.parametrize(
    ("sort", "values"),
    [
        ("updated", ["not-a-date", 1]),
        ("updated", ["2031-01-01T00:00:00", 1]),  # naive
        ("updated", [5, "x"]),
        ("completeness", ["x", "a", "b", 1]),
        ("completeness", [10**30, "a", "b", 1]),
        ("name", ["Tanaka", "Yuki"]),  # a cursor of another sort
    ],
)
def test_tampered_cursor_of_each_sort_gives_the_first_page(officer_client, roster, sort, values):
    first = found(officer_client, {}, sort=sort, size="10")
    assert found(officer_client, {}, sort=sort, size="10", after=token(values)) == first


@pytest.mark.parametrize(
    "values",
    [["Dupont", "Jean", 10**30], ["Dupont", "Jean", -(10**30)], ["", "", 0], ["~", "~", 1]],
)
def test_well_formed_cursor_with_any_values_starts_after_them(officer_client, roster, values):
    """A cursor is a position, not a secret: edited values move the start, never fail."""
    names = found(officer_client, {}, sort="name", size="10", after=token(values))
    expected = {
        "Dupont": BY_NAME[2:] if values[2] > 0 else BY_NAME[1:],
        "": BY_NAME,
        "~": [],
    }[values[0]]
    assert names == expected


def test_cursor_of_another_sort_is_ignored(officer_client, roster):
    name_cursor = page_of(Expert.objects.all(), Sort.NAME, size=2).next_cursor
    assert found(officer_client, {}, sort="updated", after=name_cursor) == BY_UPDATE


def test_relevance_pages_by_number(officer_client):
    ExpertFactory.create_batch(23, given_names="Ana", family_name="Same")
    refresh_search_vectors()
    seen = []
    for number, size in [(1, 10), (2, 10), (3, 3)]:
        response = officer_client.get(URL, {"q": "ana", "size": "10", "page": str(number)})
        page = response.context["page"]
        assert page.number == number and len(page.rows) == size
        assert page.next_cursor is None
        assert page.next_page == (number + 1 if number < 3 else None)
        assert page.previous_page == (number - 1 if number > 1 else None)
        seen += [row["id"] for row in page.rows]
    assert len(seen) == 23 == len(set(seen))
    assert 'page=2" rel="next"' in officer_client.get(URL, {"q": "ana", "size": "10"}).text
    for bad in ["0", "-3", "abc", "", "1e9", "\u0661", "2.5"]:
        response = officer_client.get(URL, {"q": "ana", "size": "10", "page": bad})
        assert response.status_code == 200
        assert response.context["page"].number == 1, bad
    # Beyond the last page: an empty page (numbers stop where the count is capped), no error.
    for far in ["4", "99999999999999999999"]:
        response = officer_client.get(URL, {"q": "ana", "size": "10", "page": far})
        assert response.status_code == 200
        assert response.context["page"].rows == []
        assert "No expert matches these filters." in response.content.decode()


def test_relevance_without_a_search_falls_back_to_name(officer_client, roster):
    assert found(officer_client, {}, sort="relevance") == BY_NAME


def test_total_is_capped(officer_client, roster, monkeypatch):
    monkeypatch.setattr(directory, "COUNT_CAP", 5)
    response = officer_client.get(URL)
    assert response.context["page"].total_capped
    assert heading(response) == "More than 5 experts"
    monkeypatch.setattr(directory, "COUNT_CAP", 8)
    response = officer_client.get(URL)
    assert not response.context["page"].total_capped
    assert heading(response) == "8 experts"


def test_rows_show_areas_languages_and_administration(officer_client, roster):
    text = officer_client.get(URL, {"q": "Tanaka", "sort": "name"}).text
    assert "Tanaka, Yuki" in text
    assert "Laboratory chemist" in text
    assert "Japan" in text and ">AP<" in text
    assert "Customs valuation (2)" in text
    assert "EN C1" in text and "FR B2" in text
    assert reverse("secretariat:expert_detail", args=[roster["Tanaka"].pk]) in text


# --- Bad input -------------------------------------------------------------------------------

NASTY = [
    "a" * 10_000,
    "x" * 201,
    "&|!:*()<>" * 22,  # under the length limit: it reaches the database
    "'" * 200,
    '"' * 199,
    "\\" * 200,
    "'; DROP TABLE experts_expert; --",
    "' OR 1=1 --",
    '" OR ""="',
    "%",
    "_",
    "%_%",
    "&",
    "|",
    "!",
    "!!!",
    ":*",
    "a:*",
    "foo:*B",
    "a & b | !c",
    "(((",
    ")))",
    "<->",
    "a <-> b",
    "<script>alert(1)</script>",
    "-",
    "--",
    "- -",
    '"',
    '"unterminated',
    "or",
    "OR OR",
    "-or",
    "::",
    "\\x00",
    "\t\n\r",
    " ",
    "日本語の検索",
    "😀😀😀",
    "Ωμέγα",
    "مرحبا",
    "e\u0301\u0301\u0301",  # combining accents
    "\u200b\u200d\ufeff",  # zero-width
    "ﬁ ß İ",
    "%00",
    "{{ 7*7 }}",
    "${7*7}",
    "null",
    "1e400",
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_any_search_text_answers_200(officer_client, roster, text):
    for extra in [{}, {"sort": "name"}, {"page": "2", "size": "10"}]:
        response = officer_client.get(URL, {"q": text, **extra})
        assert response.status_code == 200
    response = officer_client.get(URL, {"q": text}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    response = officer_client.get(reverse("secretariat:directory_export"), {"q": text})
    assert response.status_code in (200, 302)
    b"".join(getattr(response, "streaming_content", [b""]))


def test_nul_in_search_is_a_field_error(officer_client, roster):
    response = officer_client.get(URL, {"q": "a\x00b"})
    assert response.status_code == 200
    assert "q" in response.context["form"].errors


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"available_from": "2031-03-20", "available_to": "2031-03-10"},
            "available_to",
            "The end date cannot be before the start date.",
        ),
        ({"available_from": "2031-13-45"}, "available_from", "Enter a valid date."),
        ({"area": "999999"}, "area", "Select a valid choice. 999999 is not one of"),
        ({"area": "not-a-number"}, "area", "Select a valid choice."),
        ({"region": "999999"}, "region", "Select a valid choice."),
        ({"administration": "0"}, "administration", "Select a valid choice."),
        ({"language": "999999"}, "language", "Select a valid choice."),
        ({"language": "LANG", "level": "abc"}, "level", "Select a valid choice."),
        ({"language": "LANG", "level": "99"}, "level", "Select a valid choice."),
        ({"accreditation_state": "king"}, "accreditation_state", "Select a valid choice."),
        ({"profile": "x"}, "profile", "Select a valid choice."),
        ({"gender": "x"}, "gender", "Select a valid choice."),
        ({"employment_status": "x"}, "employment_status", "Select a valid choice."),
        ({"remote_only": "maybe"}, "remote_only", "Select a valid choice."),
        ({"sort": "salary"}, "sort", "Select a valid choice."),
        ({"size": "7"}, "size", "Select a valid choice."),
        ({"size": "100000"}, "size", "Select a valid choice."),
        ({"area_mode": "some"}, "area_mode", "Select a valid choice."),
        ({"q": "x" * 201}, "q", "Ensure this value has at most 200 characters"),
    ],
)
def test_invalid_filter_shows_the_error_not_a_500(officer_client, roster, data, field, message):
    data = {k: (str(language("en").pk) if v == "LANG" else v) for k, v in data.items()}
    response = officer_client.get(URL, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    # The page still lists experts (unfiltered) rather than failing.
    assert len(response.context["page"].rows) == len(ROSTER)
    response = officer_client.get(URL, data, headers={"HX-Request": "true"})
    assert response.status_code == 200


def test_invalid_filter_keeps_what_was_typed(officer_client, roster):
    response = officer_client.get(
        URL, {"q": "customs", "available_from": "2031-03-20", "available_to": "2031-03-10"}
    )
    text = response.content.decode()
    assert 'value="customs"' in text
    assert 'value="2031-03-20"' in text


def test_language_rows_keep_the_chosen_languages(officer_client, roster):
    en, fr = str(language("en").pk), str(language("fr").pk)
    response = officer_client.get(URL, {"language": [en, fr, ""], "level": ["4", "5", ""]})
    text = response.content.decode()
    assert f'<option value="{en}" selected>' in text
    assert f'<option value="{fr}" selected>' in text
    assert '<option value="4" selected>' in text and '<option value="5" selected>' in text


# --- Rendering and caching ------------------------------------------------------------------


def test_rows_texts_are_the_same_without_postgresql(roster, monkeypatch):
    """The local run (SQLite) reads the areas and languages in two more queries, not in
    the rows' query: the same texts, in the same order."""
    from experts.services import search

    experts, sort = filter_experts({})
    inline = page_of(experts, sort, size=25).rows
    assert any(row["areas_text"] for row in inline) and any(r["languages_text"] for r in inline)
    monkeypatch.setattr(search, "is_postgresql", lambda: False)
    apart = page_of(experts, sort, size=25).rows
    assert apart == inline


def test_filters_run_once_when_every_match_was_counted(officer_client, roster):
    spec = {"q": "valuation", "language": ["fr"], "level": [P.B2], "region": ["EUR", "AP"]}
    with CaptureQueriesContext(connection) as queries:
        response = officer_client.get(URL, {**resolve(spec), "sort": "name"})
    assert rows(response) == ["Moreau", "Tanaka"]
    assert [q["sql"].count("EXISTS") for q in queries if "EXISTS" in q["sql"]] == [1]


def test_lean_widgets_render_as_django_templates():
    from django import forms

    from ace_portal.widgets import DateInput

    cases = [
        (lean_widgets.LeanTextInput(), forms.TextInput(), ["", None, "a\"b<&>'c", "x"]),
        (lean_widgets.LeanDateInput(), DateInput(), ["", None, "2031-13-45", date(2031, 3, 10)]),
        (
            lean_widgets.LeanRadioSelect(choices=[("all", "All <b>"), ("any", "Any")]),
            forms.RadioSelect(choices=[("all", "All <b>"), ("any", "Any")]),
            ["", None, "all", "any", "some", ["any"]],
        ),
    ]
    attrs_cases = [
        None,
        {"id": "id_x"},
        {"id": "id_x", "class": "c", "aria-invalid": "true", "aria-describedby": "id_x_error"},
        {"id": 'x"y', "required": True, "disabled": False, "maxlength": 200},
    ]
    for lean, django_widget, values in cases:
        for value in values:
            for attrs in attrs_cases:
                expected = django_widget.render("name", value, attrs)
                assert lean.render("name", value, attrs) == expected, (value, attrs)


def test_option_list_marks_the_chosen_values():
    choices = [("", "-"), ("1", "One"), ("10", "Ten & <more>"), ("2", 'Two "2"')]
    options = lean_widgets.OptionList(choices)
    for chosen in [set(), {"1"}, {"10"}, {"", "2"}, {"1", "10", "2"}, {"3"}, {'"><x'}]:
        assert options.render(chosen) == lean_widgets.options_html(choices, chosen), chosen
    assert list(options) == choices and len(options) == 4


def test_filter_form_follows_reference_data_changes(officer_client, roster):
    from django.core.cache import cache

    from experts.models import ThematicArea

    assert "Beekeeping law" not in officer_client.get(URL).text
    added = ThematicArea.objects.create(code="beekeeping", name_en="Beekeeping law", name_fr="X")
    text = officer_client.get(URL).text
    assert f'<option value="{added.pk}">Beekeeping law</option>' in text
    assert officer_client.get(URL, {"area": str(added.pk)}).context["form"].is_valid()
    # Without signals (e.g. QuerySet.update), then with the cache cleared: the version starts
    # afresh, never at a number another process could still hold lists for.
    ThematicArea.objects.filter(pk=added.pk).update(name_en="Apiculture law")
    assert "Apiculture law" not in officer_client.get(URL).text
    cache.clear()
    assert f'<option value="{added.pk}">Apiculture law</option>' in officer_client.get(URL).text


def test_filter_form_and_rows_follow_the_language(officer_client, roster, officer):
    from html import escape

    valuation = area(AREAS["VAL"])
    data = {**resolve({"area": ["VAL"]}), "q": "Tanaka", "sort": "name"}
    # French, English, then French again: each language keeps its own rendered options.
    for code, name in [("fr", valuation.name_fr), ("en", valuation.name_en)] * 2:
        officer.preferred_language = code
        officer.save()
        text = officer_client.get(URL, data).text
        assert f'<option value="{valuation.pk}" selected>{escape(name)}</option>' in text
        assert f"; {escape(name)} (2)</td>" in text  # Tanaka's row: most years first


# --- Constant number of queries --------------------------------------------------------------


def add_people(count: int, start: int = 0) -> None:
    """Experts with one to three areas and languages each (all in region ESA, Kenya)."""
    for index in range(start, start + count):
        expert = ExpertFactory(given_names="Ana", family_name=f"Person{index:03d}")
        for code in ("PCA", "RM", "VAL")[: 1 + index % 3]:
            Expertise.objects.create(expert=expert, area=area(AREAS[code]), years=3)
        for code in ("en", "fr", "es")[: 1 + index % 3]:
            ExpertLanguage.objects.create(expert=expert, language=language(code), proficiency=P.C1)
    refresh_search_vectors()


def count_queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sort": "updated"},
        {"sort": "completeness"},
        {"q": "ana"},
        {"area": ["PCA"], "language": ["en"], "level": [P.B2], "region": ["ESA"]},
    ],
    ids=["name", "updated", "completeness", "relevance", "filters"],
)
def test_directory_queries_do_not_grow_with_size_or_depth(
    officer_client, django_assert_num_queries, filters
):
    add_people(3)
    data = resolve(filters)
    officer_client.get(URL, data)  # warm up: session, cached choice lists
    small = count_queries(officer_client, URL, {**data, "size": "10"})
    htmx = {"HX-Request": "true"}
    with CaptureQueriesContext(connection) as queries:  # no navigation, no saved searches
        officer_client.get(URL, {**data, "size": "10"}, headers=htmx)
    partial = len(queries)  # now: the next request clears the connection's query log
    assert partial < small
    assert len(officer_client.get(URL, {**data, "size": "10"}).context["page"].rows) == 3

    add_people(37, start=3)

    with django_assert_num_queries(small):
        response = officer_client.get(URL, {**data, "size": "100"})
    assert len(response.context["page"].rows) == 40

    # A deep page: three pages on by cursor (or by number for relevance).
    deep = {**data, "size": "10"}
    for _ in range(3):
        page = officer_client.get(URL, deep).context["page"]
        deep = {
            **deep,
            **({"after": page.next_cursor} if page.next_cursor else {"page": page.next_page}),
        }
    with django_assert_num_queries(small):
        response = officer_client.get(URL, deep)
    assert len(response.context["page"].rows) == 10
    with django_assert_num_queries(partial):
        response = officer_client.get(URL, deep, headers=htmx)
    assert len(response.context["page"].rows) == 10


# --- htmx ------------------------------------------------------------------------------------


def test_htmx_request_gets_only_the_results(officer_client, roster):
    data = resolve({"region": ["EUR"]})
    partial = officer_client.get(URL, data, headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in text
    assert text.strip().startswith('<section id="results"')
    assert text.strip().endswith("</section>")
    assert heading(partial) == "3 experts"
    assert "Dupont, Jean" in text and "García" not in text
    assert 'id="directory-filters"' not in text
    assert "My saved searches" not in text
    # The export and save forms inside the results carry the current filters.
    assert f'name="region" value="{data["region"][0]}"' in text


def test_without_htmx_the_full_page(officer_client, roster):
    response = officer_client.get(URL, resolve({"region": ["EUR"]}))
    text = response.content.decode()
    assert "<html" in text
    assert 'id="directory-filters"' in text
    assert 'data-hx-get="/secretariat/experts/"' in text and 'data-hx-push-url="true"' in text
    assert 'method="get" action="/secretariat/experts/"' in text  # works without JavaScript
    assert '<section id="results"' in text
    assert heading(response) == "3 experts"


# --- Permissions -----------------------------------------------------------------------------


def endpoints(saved):
    return [
        ("get", reverse("secretariat:directory"), {}),
        ("get", reverse("secretariat:directory_export"), {}),
        ("get", reverse("secretariat:directory_export"), {"format": "xlsx"}),
        ("post", reverse("secretariat:save_search"), {"name": "Mine", "query": "q=x"}),
        ("post", reverse("secretariat:delete_saved_search", args=[saved.pk]), {}),
    ]


@pytest.fixture
def other_officer(db):
    user = UserFactory(email="other@wco.example", roles=[Role.SECRETARIAT])
    TOTP.activate(user, STAFF_TOTP_SECRET)
    return user


@pytest.fixture
def saved(officer):
    return SavedSearch.objects.create(owner=officer, name="Risk people", query="q=risk")


def test_anonymous_is_sent_to_login(client, saved):
    for method, url, data in endpoints(saved):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    assert SavedSearch.objects.count() == 1


def test_expert_gets_404_everywhere(client, alice, saved):
    client.force_login(alice.user)
    for method, url, data in endpoints(saved):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Risk people"]


def test_officer_reaches_the_directory_and_exports(officer_client, alice):
    assert officer_client.get(reverse("secretariat:directory")).status_code == 200
    assert officer_client.get(reverse("secretariat:directory_export")).status_code == 200
    response = officer_client.get(reverse("secretariat:directory_export"), {"format": "xlsx"})
    assert response.status_code == 200


def test_admin_reaches_the_directory(client, admin_user):
    sign_in(client, admin_user)
    assert client.get(reverse("secretariat:directory")).status_code == 200


def test_save_and_delete_need_post(officer_client, saved):
    assert officer_client.get(reverse("secretariat:save_search")).status_code == 405
    url = reverse("secretariat:delete_saved_search", args=[saved.pk])
    assert officer_client.get(url).status_code == 405
    assert SavedSearch.objects.count() == 1


def test_find_experts_in_the_navigation(officer_client, client, alice):
    assert (
        'href="/secretariat/experts/">Find experts'
        in officer_client.get(reverse("secretariat:workshop_list")).content.decode()
    )


# --- Saved searches --------------------------------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_save_search_lists_it_and_the_link_reruns_it(officer_client, officer, roster):
    query = "region={}&gender=female".format(Region.objects.get(code="EUR").pk)
    response = officer_client.post(
        reverse("secretariat:save_search"), {"name": "Women in Europe", "query": query}
    )
    assert response.status_code == 302
    assert response.url == f"{URL}?{query}"
    saved = SavedSearch.objects.get()
    assert (saved.owner, saved.name, saved.query) == (officer, "Women in Europe", query)
    assert messages_of(response) == ["Search saved as “Women in Europe”."]

    page = officer_client.get(URL).content.decode()
    assert "My saved searches" in page
    link = f'href="{URL}?{query.replace("&", "&amp;")}">Women in Europe</a>'
    assert link in page
    assert set(rows(officer_client.get(f"{URL}?{query}"))) == {"Schmidt", "Moreau"}


def test_saved_search_query_is_the_current_filters(officer_client, roster):
    region = resolve({"region": ["EUR"]})["region"][0]
    query = f"region={region}&q=inspector&after=xyz&page=2&format=xlsx&sensitive=1"
    text = officer_client.get(f"{URL}?{query}").content.decode()
    # Paging and file choices are no filters: a saved search starts on page 1.
    assert f'name="query" value="region={region}&amp;q=inspector"' in text


def test_save_search_without_a_name_is_refused(officer_client):
    response = officer_client.post(
        reverse("secretariat:save_search"), {"name": "  ", "query": "q=x"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Give the search a name to save it."]
    assert not SavedSearch.objects.exists()
    response = officer_client.post(
        reverse("secretariat:save_search"), {"name": "", "query": "q=x"}, follow=True
    )
    assert "Give the search a name to save it." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Risk\x00", "query": "q=x"}, "Null characters are not allowed."),
        ({"name": "Risk", "query": "q=\x00"}, "Null characters are not allowed."),
        ({"name": "R" * 101, "query": ""}, "at most 100 characters"),
        ({"name": "Risk", "query": "q=" + "x" * 2000}, "at most 2000 characters"),
    ],
    ids=["nul-in-name", "nul-in-query", "long-name", "long-query"],
)
def test_save_search_bad_input_is_a_message_not_a_500(officer_client, data, message):
    response = officer_client.post(reverse("secretariat:save_search"), data)
    assert response.status_code == 302
    assert response.url == URL
    (shown,) = messages_of(response)
    assert message in shown
    assert not SavedSearch.objects.exists()


def test_save_search_with_a_taken_name_is_refused(officer_client, officer):
    SavedSearch.objects.create(owner=officer, name="Audit", query="q=audit")
    response = officer_client.post(
        reverse("secretariat:save_search"), {"name": "Audit", "query": "q=other"}, follow=True
    )
    assert response.status_code == 200
    assert "You already have a saved search called “Audit”." in response.content.decode()
    assert list(SavedSearch.objects.values_list("query", flat=True)) == ["q=audit"]


def test_another_officer_may_use_the_same_name(client, other_officer, saved):
    sign_in(client, other_officer)
    response = client.post(reverse("secretariat:save_search"), {"name": saved.name, "query": "q=y"})
    assert messages_of(response) == [f"Search saved as “{saved.name}”."]
    assert SavedSearch.objects.filter(name=saved.name).count() == 2
    # ... and sees only their own.
    text = client.get(URL).content.decode()
    assert "q=y" in text and "q=risk" not in text


def test_delete_own_saved_search(officer_client, saved):
    response = officer_client.post(reverse("secretariat:delete_saved_search", args=[saved.pk]))
    assert response.status_code == 302
    assert messages_of(response) == ["Saved search “Risk people” deleted."]
    assert not SavedSearch.objects.exists()
    assert "My saved searches" not in officer_client.get(URL).content.decode()


def test_delete_another_officers_saved_search_is_404(client, other_officer, saved):
    sign_in(client, other_officer)
    response = client.post(reverse("secretariat:delete_saved_search", args=[saved.pk]))
    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    response = client.post(reverse("secretariat:delete_saved_search", args=[saved.pk + 1000]))
    assert response.status_code == 404


def test_saved_search_name_and_query_are_escaped(officer_client):
    officer_client.post(
        reverse("secretariat:save_search"),
        {"name": "<b>bold</b>", "query": 'q="><script>x</script>'},
    )
    text = officer_client.get(URL).content.decode()
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text
    assert "<script>x</script>" not in text


def test_level_names_keep_a_name_without_a_code_whole():
    from django.utils import translation

    from experts.enums import Proficiency
    from experts.services.directory import _level_names

    with translation.override("fr"):
        names = _level_names()
    assert names[Proficiency.C1] == "C1"
    assert names[Proficiency.NATIVE] == "Langue maternelle"
