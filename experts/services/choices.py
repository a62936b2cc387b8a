"""Choice lists of reference data for forms, cached: building them cost ~30 ms a request.

The cache key carries a version bumped whenever reference data is saved or deleted (signals
connected in ExpertsConfig.ready), so every process sees a change at once. Each process also
keeps the lists of the current version in memory: one small cache read a request (the version)
instead of unpickling every list, and the lists keep their rendered <option> elements (see
experts.lean_widgets.OptionList) from one request to the next.

With the cache down (ace_portal.cache answers every read with a miss) there is no version:
each request builds the lists from the database, as with a cache that keeps nothing.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

from ace_portal.cache import cache_available
from experts.models import Language, MemberAdministration, ProfileType, Region, ThematicArea

VERSION_KEY = "experts:choices:version"
REFERENCE_MODELS = (Language, MemberAdministration, ProfileType, Region, ThematicArea)


class Snapshot:
    """This process's copy of one version of the lists, and of what was made from them."""

    def __init__(self, version):
        self.version = version
        self._lists = {}  # language -> lists
        self._derived = {}

    def lists(self, language: str) -> dict:
        found = self._lists.get(language)
        if found is None:
            key = f"experts:choices:{self.version}:{language}"
            found = cache.get(key)
            if found is None:
                found = _build(language)
                cache.set(key, found, 24 * 3600)
            self._lists[language] = found
        return found

    def derived(self, key: tuple, build):
        """``build()`` once per version: objects made from the lists (their rendered options)."""
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = build()
        return found


_snapshot = Snapshot(object())  # no version: replaced at the first request


def _fresh_version() -> int:
    # Never a number used before: after the cache is cleared (or evicts the key) every process
    # must drop its copy, which a version starting again at 0 or 1 would not tell it.
    return secrets.randbits(62)


def bump_version(**kwargs) -> None:
    # Now, and again once the change is committed: a request between the two could otherwise
    # rebuild the lists from the data before the change and keep them under the new version.
    _bump()
    transaction.on_commit(_bump)


_bump_owed = False  # a change this process could not announce while the cache was down


def _bump() -> None:
    global _bump_owed
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set (yet, or any more), or the cache is down (ace_portal.cache)
        cache.set(VERSION_KEY, _fresh_version(), None)
    # With Redis down the bump is lost, and once it answers again every process would take
    # its lists of before the change for current: announce it at the first chance.
    _bump_owed = not cache_available()


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), None)  # another process may have been first
        version = cache.get(VERSION_KEY)
    return version


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


def snapshot() -> Snapshot:
    """The lists of the current version (one cache read: the version)."""
    global _snapshot
    if _bump_owed and cache_available():
        _bump()
    version = current_version()
    if version is None:  # a cache that keeps nothing (DummyCache): nothing to trust either
        return Snapshot(None)
    found = _snapshot
    if found.version != version:
        found = _snapshot = Snapshot(version)
    return found
