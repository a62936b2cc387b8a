# Over 500 lines: the merge is one transaction, and every relation it moves is listed here.
"""Merging two expert records that are the same person into one.

The officer compares the two records field by field and picks which value survives; everything
attached to the other record (languages, expertise, education, work history, absences,
documents, accreditations with their history, requests, workshop seats) moves to the survivor.
The other record is deleted, its account closed, and an ExpertMerge keeps who, when, the choices
and a snapshot of every value that was removed or replaced.
"""

from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.accounts.models import Invitation
from ace_portal.accounts.roles import is_staff_role
from experts.enums import WorkshopOutcome
from experts.models import (
    Accreditation,
    AccreditationRequest,
    Education,
    Expert,
    ExpertDocument,
    ExpertImportRow,
    Expertise,
    ExpertLanguage,
    ExpertMerge,
    UnavailablePeriod,
    WorkExperience,
    WorkshopParticipant,
)
from experts.services.profile import refresh_completeness

SURVIVOR, OTHER = "survivor", "other"
LOGIN_EMAIL = "login_email"


@dataclass(frozen=True)
class MergeField:
    name: str  # an Expert field, or LOGIN_EMAIL for the account's User.email
    label: str


# The values the officer chooses between, in the order the comparison page shows them.
MERGE_FIELDS = [
    MergeField("given_names", _("Given names")),
    MergeField("family_name", _("Family name")),
    MergeField("photo", _("Photo")),
    MergeField("gender", _("Gender")),
    MergeField("nationality", _("Nationality")),
    MergeField("date_of_birth", _("Date of birth")),
    MergeField(LOGIN_EMAIL, _("Login email")),
    MergeField("work_email", _("Work email")),
    MergeField("phone", _("Phone")),
    MergeField("home_administration", _("Home administration")),
    MergeField("position", _("Position")),
    MergeField("unit", _("Unit or department")),
    MergeField("years_in_customs", _("Years in Customs")),
    MergeField("employment_status", _("Employment status")),
    MergeField("biography", _("Biography")),
    MergeField("preferred_mission_length", _("Preferred mission length")),
    MergeField("remote_only", _("Remote missions only")),
    MergeField("passport_number", _("Passport number")),
    MergeField("passport_expiry", _("Passport expiry date")),
]
FIELD_NAMES = [field.name for field in MERGE_FIELDS]


class MergeError(Exception):
    """A refused merge; ``message`` is written for the officer. Nothing was changed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class SameExpert(MergeError):
    pass


class ChangedMeanwhile(MergeError):
    """One of the records changed after the comparison page was shown."""


class StaffAccount(MergeError):
    """The record to remove signs in as Secretariat staff: a merge must not close that account."""


class ConflictingAccreditations(MergeError):
    """Both records hold a live accreditation for the same profile and area."""


def field_value(expert: Expert, name: str):
    """The stored value of a choosable field (a primary key for the home administration)."""
    if name == LOGIN_EMAIL:
        return expert.user.email
    if name == "photo":
        return expert.photo.name or ""
    if name == "home_administration":
        return expert.home_administration_id
    value = getattr(expert, name)
    if name in ("phone", "nationality"):
        return str(value or "")
    return value


def is_empty(value) -> bool:
    return value is None or value == ""


def default_choice(survivor: Expert, other: Expert, name: str) -> str:
    """The survivor's value, unless it is empty and the other's is not."""
    mine, theirs = field_value(survivor, name), field_value(other, name)
    return OTHER if is_empty(mine) and not is_empty(theirs) else SURVIVOR


def placeholder_email(user) -> str:
    """A non-deliverable address (RFC 2606 ``.invalid``) that frees the real one for reuse."""
    return f"merged-{user.pk}@invalid"


def live_conflicts(survivor: Expert, other: Expert) -> list[Accreditation]:
    """The other record's live accreditations whose (profile, area) the survivor also holds live."""
    held = Accreditation.objects.live().filter(expert=survivor)
    pairs = Q(pk__in=[])
    for profile_type_id, area_id in held.values_list("profile_type_id", "area_id"):
        pairs |= Q(profile_type_id=profile_type_id, area_id=area_id)
    return list(
        Accreditation.objects.live()
        .filter(pairs, expert=other)
        .select_related("profile_type", "area")
        .order_by("area__name_en", "profile_type__code")
    )


@transaction.atomic
def merge_experts(
    survivor: Expert,
    other: Expert,
    *,
    choices: dict[str, str],
    by,
    expected_versions: dict[int, datetime] | None = None,
) -> ExpertMerge:
    """Merge ``other`` into ``survivor``, keeping per field the value ``choices`` names.

    ``choices`` maps names of MERGE_FIELDS to "survivor" or "other" (missing: "survivor").
    ``expected_versions`` maps each expert's pk to the ``updated_at`` the officer compared;
    a record changed since then refuses the merge. So do a staff account on ``other`` and a live
    accreditation of both for the same (profile, area): typed MergeErrors, written for the officer.

    Side effects, in one transaction (a refusal changes nothing): both experts locked; the
    survivor's chosen fields (and its account's login email) updated; the earliest created_at
    and the most recent consent and profile confirmation kept; every related row of ``other``
    moved to the survivor (duplicates resolved, see _move_related), earlier merges into
    ``other`` included; ``other`` deleted; its account deactivated, its password made
    unusable, its pending invitations revoked, its email addresses replaced by a placeholder;
    one ExpertMerge written; the survivor's completeness and search vector refreshed; the
    discarded photo's file deleted after commit.
    """
    # Over 60 lines: one transaction, locking, moving and recording in the order the locks need.
    if survivor.pk == other.pk:
        raise SameExpert(_("A record cannot be merged with itself. Choose another record."))
    unknown = set(choices) - set(FIELD_NAMES)
    if unknown or set(choices.values()) - {SURVIVOR, OTHER}:
        raise ValueError(f"Unknown merge choices: {choices!r}")
    choices = {name: choices.get(name, SURVIVOR) for name in FIELD_NAMES}

    survivor, other = _lock(survivor, other, expected_versions or {})
    _refuse_unless_mergeable(survivor, other)

    snapshot = {
        "expert": _expert_values(other),
        "user": _user_values(other.user),
        "related": _related_summary(other),
        "survivor_before": {
            name: field_value(survivor, name) for name in FIELD_NAMES if choices[name] == OTHER
        },
    }
    discarded_photo = _apply_choices(survivor, other, choices)
    snapshot["dropped"] = _move_related(survivor, other)

    merged_user = other.user
    merged_name, merged_pk = other.full_name, other.pk
    other.delete()
    _close_account(merged_user)
    if choices[LOGIN_EMAIL] == OTHER:
        _set_login_email(
            survivor.user, snapshot["user"]["email"], verified=snapshot["user"]["verified"]
        )
    survivor.save()
    refresh_completeness(survivor)

    if discarded_photo:
        # A photo nobody keeps is personal data: do not leave its file on disk.
        storage = survivor.photo.storage
        transaction.on_commit(lambda: storage.delete(discarded_photo))
    return ExpertMerge.objects.create(
        survivor=survivor,
        survivor_name=survivor.full_name,
        merged_expert_id=merged_pk,
        merged_name=merged_name,
        merged_user=merged_user,
        snapshot=snapshot,
        choices=choices,
        merged_by=by,
    )


def _lock(survivor: Expert, other: Expert, expected_versions: dict) -> tuple[Expert, Expert]:
    """Both rows, locked and re-read, as the officer saw them (or ChangedMeanwhile)."""
    # Primary-key order, so that two merges of the same pair cannot deadlock. Holding these locks
    # also makes any concurrent insert pointing at either expert (a nomination, a language)
    # wait for the merge: its foreign-key check needs a share lock on the expert's row.
    locked = {
        expert.pk: expert
        for expert in Expert.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk__in=[survivor.pk, other.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ChangedMeanwhile(_("One of the records no longer exists. Nothing was changed."))
    for expert in locked.values():
        expected = expected_versions.get(expert.pk)
        if expected is not None and expected != expert.updated_at:
            raise ChangedMeanwhile(
                _(
                    "%(name)s was changed meanwhile by somebody else. Nothing was merged; "
                    "please review the comparison again."
                )
                % {"name": expert.full_name}
            )
    return locked[survivor.pk], locked[other.pk]


def _refuse_unless_mergeable(survivor: Expert, other: Expert) -> None:
    if is_staff_role(other.user):
        raise StaffAccount(
            _(
                "The account of record %(number)s (%(name)s) is a staff account, which a merge "
                "does not close. Keep that record instead."
            )
            % {"number": other.pk, "name": other.full_name}
        )
    conflicts = live_conflicts(survivor, other)
    if conflicts:
        raise ConflictingAccreditations(
            _(
                "Both records have a live accreditation for %(pairs)s. Settle these first "
                "(withdraw or retire one of each pair), then merge."
            )
            % {"pairs": ", ".join(f"{a.profile_type.code} · {a.area}" for a in conflicts)}
        )


# --- Steps --------------------------------------------------------------------------------------


def _apply_choices(survivor: Expert, other: Expert, choices: dict) -> str:
    """Copy the chosen values of ``other`` onto ``survivor`` (not saved yet); keep the earliest
    creation and the most recent consent and confirmation. Returns the photo file nobody keeps."""
    photos = {SURVIVOR: survivor.photo.name or "", OTHER: other.photo.name or ""}
    discarded = photos[SURVIVOR if choices["photo"] == OTHER else OTHER]
    for name, choice in choices.items():
        if choice != OTHER or name == LOGIN_EMAIL:
            continue
        if name == "photo":
            survivor.photo = photos[OTHER]  # the file's name: the file itself stays put
            continue
        attribute = "home_administration_id" if name == "home_administration" else name
        setattr(survivor, attribute, getattr(other, attribute))
    if other.created_at < survivor.created_at:
        survivor.created_at, survivor.created_by_id = other.created_at, other.created_by_id
    if other.consent_given_at and (
        not survivor.consent_given_at or other.consent_given_at > survivor.consent_given_at
    ):
        survivor.consent_given_at = other.consent_given_at
        survivor.consent_version = other.consent_version
    if other.profile_confirmed_at and (
        not survivor.profile_confirmed_at
        or other.profile_confirmed_at > survivor.profile_confirmed_at
    ):
        survivor.profile_confirmed_at = other.profile_confirmed_at
    return discarded


def _move_related(survivor: Expert, other: Expert) -> dict:
    """Move every row attached to ``other`` to ``survivor``. Where both have a row that may
    exist once per expert, keep the better one and return the dropped ones (for the snapshot):
    a language at the higher proficiency, an area with more years, a workshop seat with a
    recorded outcome (the survivor's when both or neither are better)."""
    pending = WorkshopOutcome.PENDING
    dropped = {
        "languages": _move_unique(
            ExpertLanguage.objects.select_related("language"),
            survivor,
            other,
            key="language_id",
            keep_mine=lambda mine, theirs: mine.proficiency >= theirs.proficiency,
            describe=_language_values,
        ),
        "expertise": _move_unique(
            Expertise.objects.select_related("area"),
            survivor,
            other,
            key="area_id",
            keep_mine=lambda mine, theirs: mine.years >= theirs.years,
            describe=_expertise_values,
        ),
        "workshop_seats": _move_unique(
            WorkshopParticipant.objects.all(),
            survivor,
            other,
            key="workshop_id",
            keep_mine=lambda mine, theirs: mine.outcome != pending or theirs.outcome == pending,
            describe=_seat_values,
        ),
    }
    # Every other row pointing at the record moves as it is: education, work history, absences,
    # documents, accreditations, requests, earlier merges, and whatever else refers to an
    # expert (found from the model's relations, so a new one is not forgotten). Accreditations
    # keep their pk, so their append-only events (which point at the accreditation, not the
    # expert) move with them untouched.
    for relation in _plain_relations():
        name = relation.field.name
        relation.related_model._base_manager.filter(**{name: other}).update(**{name: survivor})
    return dropped


def _move_unique(rows, survivor, other, *, key, keep_mine, describe) -> list[dict]:
    """Move ``other``'s rows of a kind unique per (expert, ``key``); on a clash keep the
    survivor's row when ``keep_mine(its row, other's row)``, else the other's."""
    mine = {getattr(row, key): row for row in rows.filter(expert=survivor)}
    dropped = []
    for row in rows.filter(expert=other):
        kept = mine.get(getattr(row, key))
        if kept is not None:
            loser = row if keep_mine(kept, row) else kept
            dropped.append(describe(loser))
            loser.delete()
            if loser is row:
                continue
        row.expert = survivor
        row.save(update_fields=["expert"])
    return dropped


def _plain_relations():
    """The relations to Expert that may repeat per expert (moved without any rule). An import's
    row is not moved: it was checked against the removed record, and applying it must find that
    record gone (a conflict the import reports) rather than silently update the survivor."""
    with_rules = (ExpertLanguage, Expertise, WorkshopParticipant, ExpertImportRow)
    return [
        relation
        for relation in Expert._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and relation.one_to_many
        and relation.related_model not in with_rules
    ]


def _close_account(user) -> None:
    """The merged record's account: no sign-in, no pending link, its address free again."""
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    EmailAddress.objects.filter(user=user).delete()
    user.email = placeholder_email(user)
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "is_active", "password"])


def _set_login_email(user, email: str, *, verified: bool) -> None:
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)


# --- The snapshot -------------------------------------------------------------------------------


def _expert_values(expert: Expert) -> dict:
    values = model_to_dict(expert, exclude=["search_vector"])
    values.update(
        id=expert.pk,
        photo=expert.photo.name or "",
        phone=str(expert.phone or ""),
        nationality=str(expert.nationality or ""),
        home_administration_name=str(expert.home_administration or ""),
        created_at=expert.created_at,
        created_by=expert.created_by_id,
        updated_at=expert.updated_at,
    )
    return values


def _user_values(user) -> dict:
    # Every address of the account (allauth keeps secondary ones), all removed by the merge.
    addresses = list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))
    return {
        "id": user.pk,
        "email": user.email,
        "verified": any(
            address["verified"] and address["email"].lower() == user.email.lower()
            for address in addresses
        ),
        "addresses": addresses,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "is_active": user.is_active,
        "had_password": user.has_usable_password(),
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _language_values(row) -> dict:
    return {"id": row.pk, "language": row.language.code, "proficiency": row.proficiency}


def _expertise_values(row) -> dict:
    return {
        "id": row.pk,
        "area": row.area.code,
        "years": row.years,
        "description": row.description,
    }


def _seat_values(seat) -> dict:
    return {
        "id": seat.pk,
        "workshop": seat.workshop_id,
        "accreditation": seat.accreditation_id,
        "outcome": seat.outcome,
        "comment": seat.comment,
    }


_SUMMARISED = (
    Education,
    WorkExperience,
    UnavailablePeriod,
    ExpertDocument,
    Accreditation,
    AccreditationRequest,
)


def _related_summary(expert: Expert) -> dict:
    """Every row attached to ``expert`` before the move, by kind."""
    return {
        "languages": [
            _language_values(row)
            for row in ExpertLanguage.objects.filter(expert=expert).select_related("language")
        ],
        "expertise": [
            _expertise_values(row)
            for row in Expertise.objects.filter(expert=expert).select_related("area")
        ],
        "education": list(
            Education.objects.filter(expert=expert).values(
                "id", "degree", "field_of_study", "institution", "year_completed"
            )
        ),
        "work_history": list(
            WorkExperience.objects.filter(expert=expert).values(
                "id", "organisation", "position", "start_date", "end_date", "description"
            )
        ),
        "unavailable_periods": list(
            UnavailablePeriod.objects.filter(expert=expert).values(
                "id", "start_date", "end_date", "reason"
            )
        ),
        "documents": list(
            ExpertDocument.objects.filter(expert=expert).values(
                "id", "kind", "original_name", "file", "size", "uploaded_at"
            )
        ),
        "accreditations": list(
            Accreditation.objects.filter(expert=expert).values(
                "id", "profile_type__code", "area__code", "state", "valid_until"
            )
        ),
        "accreditation_requests": list(
            AccreditationRequest.objects.filter(expert=expert).values("id", "kind", "state")
        ),
        "workshop_seats": [
            _seat_values(seat) for seat in WorkshopParticipant.objects.filter(expert=expert)
        ],
        **{
            relation.related_model._meta.label_lower: list(
                relation.related_model._base_manager.filter(
                    **{relation.field.name: expert}
                ).values_list("pk", flat=True)
            )
            for relation in _plain_relations()
            if relation.related_model not in _SUMMARISED
        },
    }
