"""Business actions on experts. Views call these; each docstring lists the side effects."""

from datetime import date

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.accounts.roles import Role
from ace_portal.accounts.services import invite_user
from experts.enums import DocumentKind
from experts.models import Expert, ExpertDocument
from experts.services import completeness, search
from experts.services.uploads import safe_original_name


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def check_date_of_birth(born):
    """The same rule wherever a date of birth is entered: the profile, registration, imports."""
    if born is None:
        return born
    today = timezone.localdate()
    if born > today:
        raise forms.ValidationError(_("A date of birth cannot be in the future."))
    if born > _years_before(today, 18):
        raise forms.ValidationError(_("Experts must be at least 18 years old."))
    if born < _years_before(today, 100):
        raise forms.ValidationError(_("Please check the year of birth."))
    return born


PROFILE_PREFETCH = [
    "languages__language",
    "expertise__area",
    "education",
    "work_history",
    "unavailable_periods",
    "documents",
]


def expert_with_profile():
    """The queryset that loads a whole profile in a constant number of queries."""
    return Expert.objects.select_related("user", "home_administration__region").prefetch_related(
        *PROFILE_PREFETCH
    )


def refresh_completeness(expert: Expert) -> int:
    """Recompute and store what derives from the profile: the completeness percentage (which it
    returns) and the directory's search vector. Every profile change ends here."""
    expert.completeness = refresh_derived([expert.pk])[expert.pk]
    return expert.completeness


def refresh_derived(pks: list[int]) -> dict[int, int]:
    """``refresh_completeness`` for many experts at once (an import): pk -> completeness."""
    experts = list(expert_with_profile().filter(pk__in=pks))
    for fresh in experts:
        fresh.completeness = completeness.percent(completeness.assess(fresh))
    Expert.objects.bulk_update(experts, ["completeness"])
    search.refresh_search_vectors(pks)
    return {fresh.pk: fresh.completeness for fresh in experts}


def register_expert(
    *,
    email: str,
    given_names: str,
    family_name: str,
    home_administration,
    preferred_language: str = "en",
    date_of_birth=None,
    by,
    invite: bool,
    base_url: str,
) -> Expert:
    """Create the account and the expert profile of a new expert.

    Side effects: one User (no usable password until activation) in the Expert group, one
    Expert row, and, when ``invite``, an Invitation whose email goes out after commit.
    """
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            email=email, preferred_language=preferred_language
        )
        user.groups.add(Group.objects.get(name=Role.EXPERT))
        expert = Expert.objects.create(
            user=user,
            given_names=given_names,
            family_name=family_name,
            home_administration=home_administration,
            date_of_birth=date_of_birth,
            created_by=by,
        )
        refresh_completeness(expert)
        if invite:
            invite_user(user, by=by, base_url=base_url)
    return expert


def save_section(expert: Expert, *, form=None, formset=None, by) -> None:
    """Save one profile section (a form, a formset or both) atomically.

    Side effects: updates the expert and/or their related rows, refreshes completeness, and
    deletes a replaced photo's file after commit.
    """
    replaced_photo = None
    if form is not None and "photo" in form.changed_data:
        replaced_photo = Expert.objects.filter(pk=expert.pk).values_list("photo", flat=True)[0]
    with transaction.atomic():
        if form is not None:
            form.save()
        if formset is not None:
            formset.save()
        refresh_completeness(expert)
        if replaced_photo and replaced_photo != expert.photo.name:
            # A replaced or removed photo is personal data: do not leave it on disk.
            storage = expert.photo.storage
            transaction.on_commit(lambda: storage.delete(replaced_photo))


def upload_cv(expert: Expert, *, form, formset=None, by) -> ExpertDocument:
    """Store a validated CV; the newest CV is the expert's current one.

    Side effects: one ExpertDocument row and its file in private storage; completeness refreshed.
    """
    upload = form.cleaned_data["file"]
    original_name = safe_original_name(upload, default="cv.pdf")
    upload.name = "cv.pdf"
    with transaction.atomic():
        document = ExpertDocument.objects.create(
            expert=expert,
            kind=DocumentKind.CV,
            file=upload,
            original_name=original_name,
            size=upload.size,
            uploaded_by=by,
        )
        refresh_completeness(expert)
    return document


def record_consent(expert: Expert, *, form=None, formset=None, by) -> None:
    """The expert agrees to the current data-processing terms.

    Side effects: stores when and which version; completeness refreshed.
    """
    with transaction.atomic():
        expert.consent_given_at = timezone.now()
        expert.consent_version = settings.CONSENT_VERSION
        expert.save(update_fields=["consent_given_at", "consent_version", "updated_at"])
        refresh_completeness(expert)


def confirm_profile(expert: Expert, *, by) -> None:
    """The expert states that the profile is accurate today (stores the date)."""
    expert.profile_confirmed_at = timezone.now()
    expert.save(update_fields=["profile_confirmed_at", "updated_at"])
