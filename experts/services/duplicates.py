"""Is this person already on the roster? Same email, or a very similar name in the same Member
administration (with the same date of birth when one is known).

Names are compared after folding case and accents and sorting the words, so "DIALLO Aïssatou"
and "Aissatou Diallo" are the same name; small typing differences pass a similarity threshold.
"""

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q

from experts.models import Expert

SIMILARITY = 0.88


def fold(text: str) -> str:
    """Case and accents ignored: "Cote d'Ivoire" and "Côte d'Ivoire" are the same text."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def name_key(given_names: str, family_name: str) -> str:
    text = fold(f"{given_names} {family_name}")
    words = "".join(char if char.isalnum() else " " for char in text).split()
    return " ".join(sorted(words))


def similar_names(key_a: str, key_b: str) -> bool:
    if not key_a or not key_b:
        return False
    return key_a == key_b or SequenceMatcher(None, key_a, key_b).ratio() >= SIMILARITY


def similar_experts(*, given_names, family_name, administration_id, date_of_birth=None):
    """Experts with a very similar name in the same administration, born the same day when a
    date is given (experts whose date of birth is not known are candidates too): one query over
    that administration's experts."""
    if administration_id is None:
        return []
    candidates = Expert.objects.filter(home_administration_id=administration_id)
    if date_of_birth is not None:
        candidates = candidates.filter(
            Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True)
        )
    key = name_key(given_names, family_name)
    return [
        expert
        for expert in candidates.select_related("user").only(
            "given_names", "family_name", "user__email"
        )
        if similar_names(key, name_key(expert.given_names, expert.family_name))
    ]


@dataclass(frozen=True)
class Match:
    reference: object  # an expert's pk, or "row:<line>" for an earlier row of the same file
    label: str
    same_birth_date: bool  # False: the same name, and one of the two has no date of birth


class NameIndex:
    """Candidates for many rows at once, so that an import of thousands of rows checks them with
    one query instead of one per row. Two rules, as for a person registering by hand:
    a very similar name with the same administration and date of birth; or, when one of the two
    has no date of birth, the same name (case, accents and word order ignored) in the same
    administration."""

    def __init__(self, administrations):
        # Dates are keyed as ISO text: rows of a file carry text, the database gives dates.
        self.by_birth: dict[tuple, list[tuple[str, Match]]] = {}
        self.by_name: dict[tuple, list[tuple[str | None, Match]]] = {}
        administrations = {pk for pk in administrations if pk is not None}
        if not administrations:
            return
        rows = Expert.objects.filter(home_administration_id__in=administrations).values_list(
            "pk", "given_names", "family_name", "home_administration_id", "date_of_birth"
        )
        for pk, given, family, administration, born in rows:
            self.add(administration, born, name_key(given, family), pk, f"{given} {family}")

    def add(self, administration, born, key, reference, label):
        born = str(born) if born else None
        if born:
            self.by_birth.setdefault((administration, born), []).append(
                (key, Match(reference, label, True))
            )
        self.by_name.setdefault((administration, key), []).append(
            (born, Match(reference, label, False))
        )

    def matches(self, administration, born, key) -> list[Match]:
        born = str(born) if born else None
        found = []
        if born:
            found = [
                match
                for other_key, match in self.by_birth.get((administration, born), [])
                if similar_names(key, other_key)
            ]
        found += [
            match
            for other_born, match in self.by_name.get((administration, key), [])
            if not (born and other_born)
        ]
        return found
