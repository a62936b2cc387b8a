"""Reference data, seeded by data migrations and edited by admins."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from experts.enums import Directorate, MemberKind, RegionCode


class BilingualName(models.Model):
    """English and French names; ``name`` answers in the active language."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or "en"
        return self.name_fr if language.startswith("fr") and self.name_fr else self.name_en


class Region(BilingualName):
    code = models.CharField(_("code"), max_length=4, unique=True, choices=RegionCode.choices)

    class Meta:
        verbose_name = _("WCO region")
        verbose_name_plural = _("WCO regions")
        ordering = ["code"]


MAX_RELEASE_CONTACTS = 10


def split_addresses(text: str) -> list[str]:
    """The addresses of a list written one a line, or separated by commas or semicolons."""
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


def validate_addresses(text: str) -> None:
    addresses = split_addresses(text)
    if len(addresses) > MAX_RELEASE_CONTACTS:
        raise ValidationError(
            _("At most %(limit)d addresses."), params={"limit": MAX_RELEASE_CONTACTS}
        )
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("“%(address)s” is not an email address."), params={"address": address}
            ) from None


class MemberAdministration(BilingualName):
    """A WCO Member's Customs administration (a country, customs territory or union)."""

    iso_code = models.CharField(_("ISO 3166-1 code"), max_length=2, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="members", verbose_name=_("region")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=MemberKind.choices, default=MemberKind.STATE
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    release_contacts = models.TextField(
        _("contacts for releases"),
        blank=True,
        validators=[validate_addresses],
        help_text=_(
            "Where the portal asks this administration to release one of its officers for a "
            "mission: one email address a line."
        ),
    )
    correspondence_language = models.CharField(
        _("language of correspondence"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the emails and letters sent to these contacts."),
    )

    class Meta:
        verbose_name = _("Member administration")
        verbose_name_plural = _("Member administrations")
        ordering = ["name_en"]

    @property
    def release_addresses(self) -> list[str]:
        return split_addresses(self.release_contacts)


class ProfileType(BilingualName):
    """The kind of expert a person is accredited as (DF, CMA, MPA, TOA, ET, LMD, REC, EXT)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("expert profile type")
        verbose_name_plural = _("expert profile types")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} - {self.name}"


class ThematicArea(BilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    directorate = models.CharField(_("directorate"), max_length=2, choices=Directorate.choices)
    validity_years = models.PositiveSmallIntegerField(
        _("accreditation validity (years)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the portal's default."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["directorate", "name_en"]


class Language(BilingualName):
    code = models.CharField(_("ISO 639-1 code"), max_length=2, unique=True)
    is_wco_official = models.BooleanField(_("WCO official language"), default=False)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name_en"]
