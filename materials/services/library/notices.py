"""The library's notifications, queued in the transaction of the event: a version in review
(to the Secretariat), its review (to the uploader and the group), a material newly published
in an area (to the area's experts, optional and fit for the digest)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from ace_portal.accounts.roles import Role
from ace_portal.notifications.services.outbox import Outgoing, notify_many
from experts.enums import HOLDING_STATES
from experts.models import Expert
from materials.models import Material, MaterialVersion, Membership
from materials.notifications import PUBLISHED_IN_AREA, VERSION_IN_REVIEW, VERSION_REVIEWED


def _absolute(path: str) -> str:
    return settings.ACE_BASE_URL.rstrip("/") + path


def material_context(material: Material, language: str) -> dict:
    """What a notice says of a material, its labels in ``language`` (stored as text)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return {
            "title": material.title,
            "kind": str(material.get_kind_display()),
            "area": material.area.name,
            "area_en": material.area.name_en,
            "area_fr": material.area.name_fr,
            "group": material.group.name if material.group_id else "",
            "url": _absolute(reverse("materials:material_detail", args=[material.pk])),
        }


def _contexts(material: Material):
    """A context per language, made once each: a publication may tell thousands of experts."""
    made = {}

    def for_language(language: str) -> dict:
        language = language or settings.LANGUAGE_CODE
        if language not in made:
            made[language] = material_context(material, language)
        return made[language]

    return for_language


def _user_name(user) -> str:
    expert = Expert.objects.filter(user=user).only("given_names", "family_name").first()
    return expert.full_name if expert else (user.get_full_name() or user.email)


def tell_secretariat(version: MaterialVersion, *, by) -> None:
    """VERSION_IN_REVIEW to every active Secretariat officer but the uploader."""
    officers = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SECRETARIAT)
        .exclude(pk=by.pk)
        .distinct()
    )
    context = _contexts(version.material)
    extra = {"version": version.number, "uploader": _user_name(by), "note": version.note}
    notify_many(
        [
            Outgoing(
                officer,
                VERSION_IN_REVIEW,
                context(officer.preferred_language) | extra,
                f"materials.version:{version.pk}:in_review:{officer.pk}",
            )
            for officer in officers
        ]
    )


def tell_group(version: MaterialVersion, event: str, *, by) -> None:
    """VERSION_REVIEWED (``event``: approved or returned) to the uploader and the group's
    current members, each once; not to the reviewer themselves."""
    material = version.material
    recipients = {version.uploaded_by_id: version.uploaded_by}
    if material.group_id:
        members = get_user_model().objects.filter(
            is_active=True,
            expert__in=Membership.objects.current()
            .filter(group_id=material.group_id)
            .values("expert"),
        )
        recipients |= {user.pk: user for user in members}
    recipients.pop(by.pk, None)
    context = _contexts(material)
    extra = {"event": event, "version": version.number, "comments": version.review_comments}
    notify_many(
        [
            Outgoing(
                user,
                VERSION_REVIEWED,
                context(user.preferred_language) | extra,
                f"materials.version:{version.pk}:{event}:{user.pk}",
            )
            for user in recipients.values()
            if user.is_active
        ]
    )


def tell_area(material: Material, version: MaterialVersion) -> int:
    """PUBLISHED_IN_AREA (optional, fit for the digest) to every expert holding an
    accreditation or recognition in the area, except the group's own members: one bulk call."""
    experts = (
        get_user_model()
        .objects.filter(
            is_active=True,
            expert__accreditations__area_id=material.area_id,
            expert__accreditations__state__in=HOLDING_STATES,
        )
        .distinct()
        .only("pk", "preferred_language")
    )
    if material.group_id:
        members = Membership.objects.current().filter(group_id=material.group_id)
        experts = experts.exclude(expert__in=members.values("expert"))
    context = _contexts(material)
    return len(
        notify_many(
            [
                Outgoing(
                    user,
                    PUBLISHED_IN_AREA,
                    context(user.preferred_language),
                    f"materials.published:{material.pk}:v{version.number}:{user.pk}",
                )
                for user in experts.iterator(chunk_size=2000)
            ]
        )
    )
