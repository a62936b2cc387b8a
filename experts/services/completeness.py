"""What an expert's profile still lacks, section by section.

Works on an expert whose related rows are prefetched (it only calls ``.all()``), so the profile
page can show the meter without extra queries.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from experts.enums import DocumentKind


@dataclass(frozen=True)
class Item:
    section: str
    label: str  # in the expert's words ("your photo")
    done: bool
    label_for_others: str  # as the Secretariat reads it ("a photo"): it is not theirs


def assess(expert) -> list[Item]:
    has_cv = any(doc.kind == DocumentKind.CV for doc in expert.documents.all())
    return [
        Item("identity", _("your photo"), bool(expert.photo), _("a photo")),
        Item("identity", _("your gender"), bool(expert.gender), _("gender")),
        Item("identity", _("your nationality"), bool(expert.nationality), _("nationality")),
        Item(
            "identity",
            _("your date of birth"),
            expert.date_of_birth is not None,
            _("date of birth"),
        ),
        Item(
            "contact",
            _("a work email or phone number"),
            bool(expert.work_email or expert.phone),
            _("a work email or phone number"),
        ),
        Item(
            "employment",
            _("your home administration"),
            expert.home_administration_id is not None,
            _("home administration"),
        ),
        Item("employment", _("your position"), bool(expert.position), _("position held")),
        Item(
            "employment",
            _("your years in Customs"),
            expert.years_in_customs is not None,
            _("years in Customs"),
        ),
        Item(
            "languages",
            _("at least one language"),
            bool(expert.languages.all()),
            _("at least one language"),
        ),
        Item(
            "expertise",
            _("at least one area of expertise"),
            bool(expert.expertise.all()),
            _("at least one area of expertise"),
        ),
        Item("education", _("your education"), bool(expert.education.all()), _("education")),
        Item(
            "work-history",
            _("your work history"),
            bool(expert.work_history.all()),
            _("work history"),
        ),
        Item("biography", _("a biography"), len(expert.biography.strip()) >= 50, _("a biography")),
        Item("cv", _("your CV"), has_cv, _("a CV")),
        Item(
            "passport",
            _("your passport details"),
            bool(expert.passport_number),
            _("passport details"),
        ),
        Item(
            "consent",
            _("your consent to data processing"),
            expert.has_current_consent,
            _("consent to data processing"),
        ),
    ]


def percent(items: list[Item]) -> int:
    return round(100 * sum(item.done for item in items) / len(items))
