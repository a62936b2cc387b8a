"""The library's workflow: a working group's member uploads a draft, each upload a new version;
the Secretariat approves it (the material is published: every expert holding an accreditation
in the area sees its approved version) or returns it with comments; a published material can be
withdrawn with a reason. The Secretariat also publishes its own tools directly.

States (materials.enums): a material is DRAFT until a version of it is first approved, then
PUBLISHED, or WITHDRAWN once taken out of use. A version is IN_REVIEW (at most one a material),
RETURNED, APPROVED, or SUPERSEDED when a newer upload replaced it before its review. A
published material stays published with its approved version while a newer one is in review;
a withdrawn one gets new versions too, and the approval of one publishes it again.

Every function checks who acts and what was typed or uploaded, locks the row it changes (the
material's; the group's for a new material), refuses with a typed error
(materials.services.errors) and then changes nothing. Files: see library.files; notifications,
queued in the same transaction: see library.notices.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ace_portal.accounts.roles import is_secretariat
from materials.enums import GroupState, MaterialKind, MaterialState, VersionReview
from materials.models import Material, MaterialVersion, Membership, WorkingGroup
from materials.services import search
from materials.services.errors import IllegalTransition, MaterialsError
from materials.services.library.files import check_file, store_version
from materials.services.library.notices import tell_area, tell_group, tell_secretariat

MAX_TITLE = 200
MAX_TAGS = 300
MAX_DESCRIPTION = 5000
MAX_NOTE = 2000
MAX_COMMENTS = 5000


class NotAllowed(MaterialsError):
    """The person may not do this to this material (not a member of its group, not the
    Secretariat)."""


# --- Who may -------------------------------------------------------------------------------


def is_member(user, group) -> bool:
    """Is ``user`` a current member of ``group`` (services may not import permissions)."""
    return bool(
        user.is_authenticated
        and group is not None
        and Membership.objects.current().filter(group=group, expert__user=user).exists()
    )


def may_upload(user, material: Material) -> bool:
    """The Secretariat, or a current member of the material's group while the group is open."""
    if is_secretariat(user):
        return True
    group = material.group
    return group is not None and group.state == GroupState.OPEN and is_member(user, group)


# --- Checking what was typed and uploaded --------------------------------------------------


def normalize_tags(tags) -> str:
    """Lower-case tags, each once, in the order given, separated by commas."""
    if isinstance(tags, str):
        tags = tags.split(",")
    seen = []
    for tag in tags or []:
        tag = " ".join(str(tag).split()).lower()
        if tag and tag not in seen:
            seen.append(tag)
    joined = ", ".join(seen)
    if len(joined) > MAX_TAGS:
        raise MaterialsError(_("Keep the tags under %(count)s characters.") % {"count": MAX_TAGS})
    return joined


def _details(*, title, kind, languages, description, tags) -> dict:
    title = " ".join((title or "").split())
    if not title:
        raise MaterialsError(_("Give the material a title."))
    if len(title) > MAX_TITLE:
        raise MaterialsError(_("Keep the title under %(count)s characters.") % {"count": MAX_TITLE})
    if kind not in MaterialKind.values:
        raise MaterialsError(_("Choose what kind of material this is."))
    languages = list(languages or [])
    if not languages:
        raise MaterialsError(_("Choose the languages the material is written in."))
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise MaterialsError(
            _("Keep the description under %(count)s characters.") % {"count": MAX_DESCRIPTION}
        )
    return {
        "title": title,
        "kind": kind,
        "languages": languages,
        "description": description,
        "tags": normalize_tags(tags),
    }


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise MaterialsError(_("Keep the note under %(count)s characters.") % {"count": MAX_NOTE})
    return note


def _first_version(details: dict, file, checked, *, note, by, review, **fields):
    """A new material with ``details`` (as _details gives them) and ``fields``, and its
    version 1 stored from the checked ``file``."""
    details = dict(details)
    languages = details.pop("languages")
    material = Material.objects.create(created_by=by, **details, **fields)
    material.languages.set(languages)
    version = store_version(
        material, number=1, file=file, checked=checked, note=note, by=by, review=review
    )
    return material, version


# --- Locks ---------------------------------------------------------------------------------


def _lock_material(material_pk: int) -> Material:
    material = (
        Material.objects.select_for_update(of=("self",))
        .select_related("area", "group")
        .filter(pk=material_pk)
        .first()
    )
    if material is None:
        raise MaterialsError(_("This material does not exist."))
    return material


def _lock_version(version_pk: int) -> MaterialVersion:
    # The material first, as every upload does, then its version.
    material_pk = (
        MaterialVersion.objects.filter(pk=version_pk).values_list("material_id", flat=True).first()
    )
    if material_pk is None:
        raise MaterialsError(_("This version does not exist."))
    material = _lock_material(material_pk)
    version = (
        MaterialVersion.objects.select_for_update(of=("self",))
        .select_related("uploaded_by")
        .get(pk=version_pk)
    )
    version.material = material
    return version


def _require_secretariat(by, message: str) -> None:
    if not is_secretariat(by):
        raise NotAllowed(message)


# --- The workflow --------------------------------------------------------------------------


@transaction.atomic
def create_material(
    *, group, title, kind, languages, description="", tags="", file, note="", by, area=None
) -> Material:
    """A current member of an open working group starts a material of the group's area with
    its first version, which goes to the Secretariat for review.

    Side effects: the material (DRAFT), its languages, version 1 (IN_REVIEW) and its stored
    file; VERSION_IN_REVIEW to the Secretariat; text extraction queued after commit.
    Refused, with nothing written, for a non-member, a closed group, another area, a bad file."""
    if group is None or not is_member(by, group):
        raise NotAllowed(_("Only a member of the working group adds material to it."))
    # Locked, so that the group cannot close while its new material is being written.
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    if group.state != GroupState.OPEN:
        raise IllegalTransition(_("This working group is closed: it adds no more material."))
    if area is not None and getattr(area, "pk", area) != group.area_id:
        raise MaterialsError(_("A working group's material belongs to the group's area."))
    details = _details(
        title=title, kind=kind, languages=languages, description=description, tags=tags
    )
    note = _note(note)
    checked = check_file(file)
    material, version = _first_version(
        details,
        file,
        checked,
        note=note,
        by=by,
        review=VersionReview.IN_REVIEW,
        area_id=group.area_id,
        group=group,
    )
    tell_secretariat(version, by=by)
    search.refresh_search_vectors([material.pk])
    return material


@transaction.atomic
def upload_version(material_pk: int, *, file, note="", by) -> MaterialVersion:
    """A member of the material's group (or the Secretariat) uploads a new version, which goes
    for review. A version still in review is replaced (SUPERSEDED); a published material stays
    published with its approved version until the new one is approved; a withdrawn one is
    published again once a new version is approved.

    Side effects: the version (numbered next, IN_REVIEW) and its stored file, the replaced
    version's review; VERSION_IN_REVIEW to the Secretariat; text extraction after commit."""
    note = _note(note)
    material = _lock_material(material_pk)
    if not may_upload(by, material):
        raise NotAllowed(
            _("Only the members of the material's working group and the Secretariat upload it.")
        )
    checked = check_file(file)
    replaced = material.versions.filter(review=VersionReview.IN_REVIEW)
    replaced.update(review=VersionReview.SUPERSEDED)
    last = material.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = store_version(
        material,
        number=last + 1,
        file=file,
        checked=checked,
        note=note,
        by=by,
        review=VersionReview.IN_REVIEW,
    )
    material.updated_at = timezone.now()
    material.save(update_fields=["updated_at"])
    tell_secretariat(version, by=by)
    search.refresh_search_vectors([material.pk])
    return version


def _review(version_pk: int, *, by, own: str) -> MaterialVersion:
    """The version locked for a review by ``by``, refused unless the Secretariat reviews a
    version in review; ``own``: what to tell an expert reviewing their own upload."""
    if not is_secretariat(by):
        uploader = (
            MaterialVersion.objects.filter(pk=version_pk)
            .values_list("uploaded_by_id", flat=True)
            .first()
        )
        raise NotAllowed(own if uploader == by.pk else _("Only the Secretariat reviews material."))
    version = _lock_version(version_pk)
    if version.review != VersionReview.IN_REVIEW:
        raise IllegalTransition(
            _("Version %(number)s is not in review (%(review)s): it cannot be reviewed.")
            % {"number": version.number, "review": version.get_review_display()}
        )
    return version


@transaction.atomic
def approve(version_pk: int, *, by) -> MaterialVersion:
    """The Secretariat approves a version in review: it becomes the material's published
    version (a withdrawn material is published again).

    Side effects: the version's review (APPROVED, by, when); the material's state, published
    version and date; VERSION_REVIEWED to the uploader and the group; when the material was not
    published before, PUBLISHED_IN_AREA to the area's experts. Refused for an expert, even the
    uploader, and for a version that is not in review."""
    version = _review(
        version_pk,
        by=by,
        own=_("You cannot approve your own material: the Secretariat reviews it."),
    )
    material = version.material
    newly_published = material.state != MaterialState.PUBLISHED
    now = timezone.now()
    version.review, version.reviewed_by, version.reviewed_at = VersionReview.APPROVED, by, now
    version.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    material.state, material.published_version = MaterialState.PUBLISHED, version
    material.published_at = material.updated_at = now
    material.withdrawn_reason, material.withdrawn_at = "", None
    material.save(
        update_fields=[
            "state",
            "published_version",
            "published_at",
            "updated_at",
            "withdrawn_reason",
            "withdrawn_at",
        ]
    )
    tell_group(version, "approved", by=by)
    if newly_published:
        tell_area(material, version)
    search.refresh_search_vectors([material.pk])
    return version


@transaction.atomic
def return_version(version_pk: int, *, comments, by) -> MaterialVersion:
    """The Secretariat returns a version in review with comments; the group uploads a new one.
    The material's state does not change (a published one keeps its published version).

    Side effects: the version's review (RETURNED, comments, by, when); VERSION_REVIEWED to the
    uploader and the group. Refused without comments, for an expert, or a version not in review."""
    comments = (comments or "").strip()
    if not comments:
        raise MaterialsError(_("Say what the material needs before it can be approved."))
    if len(comments) > MAX_COMMENTS:
        raise MaterialsError(
            _("Keep the comments under %(count)s characters.") % {"count": MAX_COMMENTS}
        )
    version = _review(
        version_pk,
        by=by,
        own=_("You cannot return your own material: the Secretariat reviews it."),
    )
    version.review, version.review_comments = VersionReview.RETURNED, comments
    version.reviewed_by, version.reviewed_at = by, timezone.now()
    version.save(update_fields=["review", "review_comments", "reviewed_by", "reviewed_at"])
    material = version.material
    material.updated_at = version.reviewed_at
    material.save(update_fields=["updated_at"])
    tell_group(version, "returned", by=by)
    return version


@transaction.atomic
def withdraw(material_pk: int, *, reason, by) -> Material:
    """The Secretariat takes a published material out of use, with a reason: the area's
    experts no longer see it; its group and the Secretariat still do.

    Side effects: the material's state, reason and date. Nothing is sent. Refused without a
    reason, for anybody but the Secretariat, or a material that is not published."""
    _require_secretariat(by, _("Only the Secretariat withdraws material."))
    reason = (reason or "").strip()
    if not reason:
        raise MaterialsError(_("Say why the material is withdrawn."))
    if len(reason) > MAX_COMMENTS:
        raise MaterialsError(
            _("Keep the reason under %(count)s characters.") % {"count": MAX_COMMENTS}
        )
    material = _lock_material(material_pk)
    if material.state != MaterialState.PUBLISHED:
        raise IllegalTransition(_("Only a published material can be withdrawn."))
    now = timezone.now()
    material.state, material.withdrawn_reason = MaterialState.WITHDRAWN, reason
    material.withdrawn_at = material.updated_at = now
    material.save(update_fields=["state", "withdrawn_reason", "withdrawn_at", "updated_at"])
    search.refresh_search_vectors([material.pk])
    return material


@transaction.atomic
def publish_directly(
    *, area, title, kind, languages, description="", tags="", file, note="", by
) -> Material:
    """The Secretariat publishes one of its own tools (a handbook, a self-assessment tool): a
    material of no working group, published at once.

    Side effects: the material (PUBLISHED), its languages, version 1 (APPROVED by ``by``) and
    its stored file; PUBLISHED_IN_AREA to the area's experts; text extraction after commit."""
    _require_secretariat(by, _("Only the Secretariat publishes its own tools."))
    if area is None:
        raise MaterialsError(_("Choose the thematic area of the material."))
    details = _details(
        title=title, kind=kind, languages=languages, description=description, tags=tags
    )
    note = _note(note)
    checked = check_file(file)
    now = timezone.now()
    material, version = _first_version(
        details,
        file,
        checked,
        note=note,
        by=by,
        review=VersionReview.APPROVED,
        area=area,
        group=None,
        state=MaterialState.PUBLISHED,
        published_at=now,
    )
    version.reviewed_by, version.reviewed_at = by, now
    version.save(update_fields=["reviewed_by", "reviewed_at"])
    material.published_version = version
    material.save(update_fields=["published_version"])
    tell_area(material, version)
    search.refresh_search_vectors([material.pk])
    return material


@transaction.atomic
def update_details(
    material_pk: int, *, title, kind, languages, description="", tags="", by
) -> Material:
    """The group's members (while the group is open) or the Secretariat correct a material's
    title, kind, languages, description and tags; its file changes only by a new version.

    Side effects: the material's fields and languages. Nothing is sent."""
    details = _details(
        title=title, kind=kind, languages=languages, description=description, tags=tags
    )
    material = _lock_material(material_pk)
    if not may_upload(by, material):
        raise NotAllowed(
            _("Only the members of the material's working group and the Secretariat change it.")
        )
    languages = details.pop("languages")
    for name, value in details.items():
        setattr(material, name, value)
    material.updated_at = timezone.now()
    material.save(update_fields=[*details, "updated_at"])
    material.languages.set(languages)
    search.refresh_search_vectors([material.pk])
    return material
