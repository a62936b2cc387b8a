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
    label: str
    done: bool


def assess(expert) -> list[Item]:
    has_cv = any(doc.kind == DocumentKind.CV for doc in expert.documents.all())
    return [
        Item("identity", _("your photo"), bool(expert.photo)),
        Item("identity", _("your gender"), bool(expert.gender)),
        Item("identity", _("your nationality"), bool(expert.nationality)),
        Item("identity", _("your date of birth"), expert.date_of_birth is not None),
        Item("contact", _("a work email or phone number"), bool(expert.work_email or expert.phone)),
        Item(
            "employment", _("your home administration"), expert.home_administration_id is not None
        ),
        Item("employment", _("your position"), bool(expert.position)),
        Item("employment", _("your years in Customs"), expert.years_in_customs is not None),
        Item("languages", _("at least one language"), bool(expert.languages.all())),
        Item("expertise", _("at least one area of expertise"), bool(expert.expertise.all())),
        Item("education", _("your education"), bool(expert.education.all())),
        Item("work-history", _("your work history"), bool(expert.work_history.all())),
        Item("biography", _("a biography"), len(expert.biography.strip()) >= 50),
        Item("cv", _("your CV"), has_cv),
        Item("passport", _("your passport details"), bool(expert.passport_number)),
        Item("consent", _("your consent to data processing"), expert.has_current_consent),
    ]


def percent(items: list[Item]) -> int:
    return round(100 * sum(item.done for item in items) / len(items))
