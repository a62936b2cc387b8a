"""The demo library (``seed_materials``, called by ``manage.py seed_demo``): working groups
(materials.demo.groups), the materials they develop in every state of the workflow, and the
Secretariat's own tools published directly (materials.demo.tools). Each version is a small
real file (PDF, Word, PowerPoint, Excel; materials.demo.files) stored through its FileField's
storage, its text read by the library's own extraction so that the search finds the words
inside.

The states, per slot of a group's materials (see ``SLOTS``): the presentation published with 2
or 3 versions (one replaced before review, one returned, or a newer one in review); the
exercise a draft in review or returned with comments; the third withdrawn with a reason,
published or returned; the fourth published or in review. The demo expert's group comes first,
so they see a published material, a draft and a withdrawn one.

Rows are bulk-inserted and the amount of data is fixed: a few seconds at any pool size. Draws
come from a ``random.Random`` of their own. Dates are placed relative to the day of the run.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from experts.models import Language, ThematicArea
from experts.services.uploads import DOCUMENT_CONTENT_TYPES, safe_original_name
from materials.demo import groups as demo_groups
from materials.demo.files import Doc, render
from materials.demo.tools import TOOLS
from materials.demo.topics import group_materials
from materials.enums import MaterialState, TextExtraction, VersionReview
from materials.models import Deliverable, Material, MaterialVersion, Membership, WorkingGroup
from materials.models.library import version_path
from materials.services import search

R = VersionReview


@dataclass(frozen=True)
class StatePlan:
    """The reviews of a material's versions, oldest first; which one is published; the reason
    of its withdrawal (a withdrawn material keeps its published version, as the service does)."""

    reviews: tuple[str, ...]
    published: int | None = None
    withdrawn: str = ""

    @property
    def in_review(self) -> bool:
        return self.reviews[-1] == R.IN_REVIEW

    @property
    def state(self) -> str:
        if self.withdrawn:
            return MaterialState.WITHDRAWN
        return MaterialState.DRAFT if self.published is None else MaterialState.PUBLISHED


WITHDRAWN = (
    "Superseded by the group's revised edition; the thresholds it gives are no longer current."
)
SLOTS = [
    [
        StatePlan((R.APPROVED, R.APPROVED, R.IN_REVIEW), published=1),
        StatePlan((R.APPROVED, R.RETURNED, R.APPROVED), published=2),
        StatePlan((R.SUPERSEDED, R.APPROVED), published=1),
        StatePlan((R.APPROVED, R.APPROVED), published=1),
    ],
    [
        StatePlan((R.IN_REVIEW,)),
        StatePlan((R.RETURNED,)),
        StatePlan((R.RETURNED, R.IN_REVIEW)),
    ],
    [
        StatePlan((R.APPROVED,), published=0, withdrawn=WITHDRAWN),
        StatePlan((R.APPROVED,), published=0),
        StatePlan((R.RETURNED,)),
    ],
    [StatePlan((R.APPROVED,), published=0), StatePlan((R.IN_REVIEW,))],
]
NOTES = [
    "First draft, for the Secretariat's review.",
    "Took the review's comments into account; added the trainer's notes.",
    "Updated the figures and the case after the pilot session.",
]
COMMENTS = [
    "Please cite the legal basis of each point and shorten the case to one page.",
    "Good start. The debrief misses the expected answers; add them for the trainers.",
    "Remove the names of real companies and keep the scenario fictitious.",
]


@dataclass
class Made:
    """A material before it is written: its row, state plan, content and who did what."""

    row: Material
    plan: StatePlan
    doc: Doc
    suffix: str
    languages: list[str]
    uploaders: list[int]  # a user pk per version
    reviewer: int
    notes: list[str] = field(default_factory=lambda: NOTES)
    versions: list[MaterialVersion] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.row.title

    @property
    def state_plan(self) -> StatePlan:
        return self.plan


def _schedule(rng, plan: StatePlan, *, now, since):
    """(uploaded, reviewed or None) per version, oldest first, between ``since`` and now."""
    last_gap = rng.randint(1, 5) if plan.in_review else rng.randint(10, 25)
    if plan.withdrawn:
        last_gap = rng.randint(60, 90)
    gaps = [last_gap] + [rng.randint(15, 35) for _ in plan.reviews[1:]]
    room = max((now - since).days - 2, len(gaps))
    scale = min(1.0, room / sum(gaps))
    moments, cursor = [], now
    for gap in gaps:
        cursor -= timedelta(days=max(1, gap * scale), hours=rng.randint(0, 6))
        moments.append(cursor)
    moments.reverse()
    reviewed = [R.APPROVED, R.RETURNED]
    return [
        (up, up + timedelta(hours=rng.randint(20, 60)) if review in reviewed else None)
        for up, review in zip(moments, plan.reviews, strict=True)
    ]


def _versions(rng, made: Made, *, now, since) -> None:
    """The version rows (files written later) and the material's dates and published state."""
    material, plan = made.row, made.plan
    schedule = _schedule(rng, plan, now=now, since=since)
    pairs = zip(schedule, plan.reviews, strict=True)
    for number, ((uploaded, reviewed), review) in enumerate(pairs, 1):
        made.versions.append(
            MaterialVersion(
                number=number,
                note=made.notes[min(number - 1, len(made.notes) - 1)],
                review=review,
                reviewed_by_id=made.reviewer if reviewed else None,
                reviewed_at=reviewed,
                review_comments=rng.choice(COMMENTS) if review == R.RETURNED else "",
                content_type=DOCUMENT_CONTENT_TYPES[made.suffix],
                uploaded_by_id=made.uploaders[number - 1],
                uploaded_at=uploaded,
            )
        )
    material.state = plan.state
    material.created_at = schedule[0][0] - timedelta(hours=1)
    material.updated_at = max(moment for pair in schedule for moment in pair if moment)
    if plan.published is not None:
        material.published_at = schedule[plan.published][1]
    if plan.withdrawn:
        material.withdrawn_reason = plan.withdrawn
        material.withdrawn_at = now - timedelta(days=rng.randint(3, 15))
        material.updated_at = material.withdrawn_at


def _group_made(rng, plan, *, officers, demo_user, now) -> list[Made]:
    group, made = plan.group, []
    users = plan.member_users()
    for slot, item in enumerate(group_materials(group.area, plan.index)):
        state_plan = SLOTS[slot][plan.index % len(SLOTS[slot])]
        uploaders = [rng.choice(users) for _ in state_plan.reviews]
        if slot == 1 and demo_user in users:
            uploaders[0] = demo_user  # the demo expert's own draft
        languages = ["en"] + (["fr"] if plan.index % 2 else []) + (["es"] if slot == 3 else [])
        row = Material(
            area=group.area,
            group=group,
            title=item.title[:200],
            kind=item.kind,
            description=item.description,
            tags=item.tags,
            created_by_id=uploaders[0],
        )
        entry = Made(
            row,
            state_plan,
            item.doc,
            item.suffix,
            languages,
            uploaders,
            reviewer=officers[slot % 2].pk,
        )
        _versions(rng, entry, now=now, since=group.created_at)
        made.append(entry)
    return made


def _tools_made(rng, *, officer, now) -> list[Made]:
    """The Secretariat's tools, published directly: each edition approved when uploaded."""
    areas = {
        area.code: area for area in ThematicArea.objects.filter(code__in={t.area for t in TOOLS})
    }
    made = []
    for tool in TOOLS:
        if tool.area not in areas:
            continue
        count = len(tool.editions) + 1
        plan = StatePlan((R.APPROVED,) * count, published=count - 1, withdrawn=tool.withdrawn)
        row = Material(
            area=areas[tool.area],
            group=None,
            title=tool.doc.title[:200],
            kind=tool.kind,
            description=tool.description,
            tags=tool.tags,
            created_by=officer,
        )
        notes = [*tool.editions, "Revised edition."] if tool.editions else ["First edition."]
        entry = Made(
            row,
            plan,
            tool.doc,
            tool.suffix,
            tool.languages,
            [officer.pk] * count,
            reviewer=officer.pk,
            notes=notes,
        )
        _versions(rng, entry, now=now, since=now - timedelta(days=720))
        for version in entry.versions:  # published at once: reviewed as it was uploaded
            version.reviewed_at = version.uploaded_at
        entry.row.published_at = entry.versions[-1].uploaded_at
        if not tool.withdrawn:
            entry.row.updated_at = entry.row.published_at
        made.append(entry)
    return made


def _version_doc(made: Made, number: int) -> Doc:
    history = [
        f"Version {n}: {made.notes[min(n - 1, len(made.notes) - 1)]}" for n in range(1, number + 1)
    ]
    return Doc(made.doc.title, [*made.doc.sections, ("Version history", history)], made.doc.table)


def _write(made: list[Made], stored: list[str]) -> list[MaterialVersion]:
    """Materials, their languages, their versions with their files, the published versions."""
    Material.objects.bulk_create([entry.row for entry in made])
    languages = {language.code: language.pk for language in Language.objects.all()}
    Through = Material.languages.through
    Through.objects.bulk_create(
        Through(material_id=entry.row.pk, language_id=languages[code])
        for entry in made
        for code in entry.languages
        if code in languages
    )
    versions = []
    for entry in made:
        for version in entry.versions:
            version.material = entry.row
            content = render(entry.suffix, _version_doc(entry, version.number))
            name = default_storage.save(
                version_path(version, f"material{entry.suffix}"), ContentFile(content)
            )
            stored.append(name)
            upload = SimpleNamespace(name=f"{entry.title}{entry.suffix}")
            version.file, version.size = name, len(content)
            version.original_name = safe_original_name(upload, f"material{entry.suffix}")
            versions.append(version)
    MaterialVersion.objects.bulk_create(versions)
    for entry in made:
        if entry.plan.published is not None:
            entry.row.published_version = entry.versions[entry.plan.published]
    Material.objects.bulk_update([entry.row for entry in made], ["published_version"])
    return versions


def _read_texts(versions: list[MaterialVersion], made: list[Made]) -> None:
    """Each version's text, read from its stored file by the library's own reader
    (materials.services.extraction.read_text, what the upload task runs), DONE or FAILED as
    the task records it; the search entries are refreshed once, by the caller, instead of once
    a version. Where extraction is not there, the text the seed wrote into the file."""
    from materials.services import extraction

    reader = getattr(extraction, "read_text", None)
    docs = {id(version): (entry, version.number) for entry in made for version in entry.versions}
    for version in versions:
        if reader is not None:
            version.text = reader(version.file)
        else:
            entry, number = docs[id(version)]
            version.text = _plain(_version_doc(entry, number))
        version.extraction = TextExtraction.DONE if version.text else TextExtraction.FAILED
    MaterialVersion.objects.bulk_update(versions, ["text", "extraction"])


def _plain(doc: Doc) -> str:
    parts = [doc.title]
    for heading, lines in doc.lines():
        parts += [heading, *lines]
    parts += [" ".join(row) for row in doc.table]
    return " ".join(parts)


def seed_materials(*, officers, today, seed: int, demo_expert=None, keep_out=()) -> dict:
    """Create the demo groups, deliverables and library, all or none; nothing when there are
    groups or materials already. ``officers``: (Secretariat officer, reviewer) users;
    ``demo_expert`` joins a group of their area; ``keep_out``: experts never drawn (the other
    demo accounts). Returns how many rows of each kind were made."""
    if WorkingGroup.objects.exists() or Material.objects.exists():
        return {}
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _seed(
                random.Random(f"materials:{seed}"), officers, today, demo_expert, keep_out, stored
            )
    except Exception:
        for name in stored:  # the rows are rolled back: their files go too
            default_storage.delete(name)
        raise


def _seed(rng, officers, today, demo_expert, keep_out, stored) -> dict:
    now = timezone.now()
    officer = officers[0]
    plans = demo_groups.plan_groups(
        rng, officer=officer, demo_expert=demo_expert, keep_out=keep_out, today=today
    )
    memberships = demo_groups.write_groups(plans, officer=officer, today=today)
    demo_user = demo_expert.user_id if demo_expert else None
    per_group = [
        _group_made(rng, plan, officers=officers, demo_user=demo_user, now=now) for plan in plans
    ]
    made = [entry for entries in per_group for entry in entries]
    made += _tools_made(rng, officer=officer, now=now)
    versions = _write(made, stored)
    rows = [
        row
        for plan, entries in zip(plans, per_group, strict=True)
        for row in demo_groups.deliverables(rng, plan, entries, today)
    ]
    Deliverable.objects.bulk_create(rows)
    _read_texts(versions, made)
    search.refresh_search_vectors([entry.row.pk for entry in made])
    counts = Counter(f"state:{entry.row.state}" for entry in made)
    counts.update(
        groups=len(plans),
        memberships=memberships,
        deliverables=len(rows),
        materials=len(made),
        versions=len(versions),
    )
    return dict(counts)


def delete_library() -> int:
    """Delete EVERY working group, membership, deliverable, material and version, not only the
    demo's: for a demo reset only. Their stored files go once the deletion is committed.
    Returns how many materials."""
    names = list(MaterialVersion.objects.values_list("file", flat=True))
    count = Material.objects.count()
    Deliverable.objects.all().delete()
    # A material protects its published version: unlink it first.
    Material.objects.update(published_version=None)
    MaterialVersion.objects.all().delete()
    Material.objects.all().delete()
    Membership.objects.all().delete()
    WorkingGroup.objects.all().delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return count
