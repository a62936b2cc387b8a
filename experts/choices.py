"""Choice lists of reference data for forms, cached: building them cost ~30 ms a request.

The cache key carries a version bumped whenever reference data is saved or deleted (signals
connected in ExpertsConfig.ready), so every process sees a change at once.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from .models import Language, MemberAdministration, ProfileType, Region, ThematicArea

VERSION_KEY = "experts:choices:version"
REFERENCE_MODELS = (Language, MemberAdministration, ProfileType, Region, ThematicArea)


def bump_version(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet
        cache.set(VERSION_KEY, 1, None)


def _build(language: str) -> dict:
    def name(row):
        return row["name_fr"] if language == "fr" and row["name_fr"] else row["name_en"]

    def rows(model, *fields, **filters):
        return list(model.objects.filter(**filters).values("pk", "name_en", "name_fr", *fields))

    areas = rows(ThematicArea, "directorate", is_active=True)
    members = rows(MemberAdministration, "region_id", is_active=True)
    return {
        "areas": sorted(((str(r["pk"]), name(r)) for r in areas), key=lambda c: c[1]),
        "regions": [(str(r["pk"]), name(r)) for r in rows(Region, "code")],
        "members": sorted(((str(r["pk"]), name(r)) for r in members), key=lambda c: c[1]),
        "profiles": [(str(r["pk"]), f"{r['code']} - {name(r)}") for r in rows(ProfileType, "code")],
        "languages": sorted(((str(r["pk"]), name(r)) for r in rows(Language)), key=lambda c: c[1]),
    }


def reference_choices() -> dict:
    language = (get_language() or "en")[:2]
    version = cache.get(VERSION_KEY) or 0
    key = f"experts:choices:{version}:{language}"
    found = cache.get(key)
    if found is None:
        found = _build(language)
        cache.set(key, found, 24 * 3600)
    return found
