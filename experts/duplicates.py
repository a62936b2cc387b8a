"""Is this person already on the roster? Same email, or a very similar name in the same Member
administration (with the same date of birth when one is known).

Names are compared after folding case and accents and sorting the words, so "DIALLO Aïssatou"
and "Aissatou Diallo" are the same name; small typing differences pass a similarity threshold.
"""

import unicodedata
from difflib import SequenceMatcher

from .models import Expert

SIMILARITY = 0.88


def name_key(given_names: str, family_name: str) -> str:
    text = unicodedata.normalize("NFKD", f"{given_names} {family_name}".casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = "".join(char if char.isalnum() else " " for char in text).split()
    return " ".join(sorted(words))


def similar_names(key_a: str, key_b: str) -> bool:
    if not key_a or not key_b:
        return False
    return key_a == key_b or SequenceMatcher(None, key_a, key_b).ratio() >= SIMILARITY


def similar_experts(*, given_names, family_name, administration_id, date_of_birth=None):
    """Experts with a very similar name in the same administration (and, when given, born the
    same day): one query over that administration's experts."""
    if administration_id is None:
        return []
    candidates = Expert.objects.filter(home_administration_id=administration_id)
    if date_of_birth is not None:
        candidates = candidates.filter(date_of_birth=date_of_birth)
    key = name_key(given_names, family_name)
    return [
        expert
        for expert in candidates.select_related("user").only(
            "given_names", "family_name", "user__email"
        )
        if similar_names(key, name_key(expert.given_names, expert.family_name))
    ]


class NameIndex:
    """Candidates for many rows at once, grouped by (administration, date of birth), so that an
    import of thousands of rows checks them with one query instead of one per row."""

    def __init__(self, pairs):
        # Dates are keyed as ISO text: rows of a file carry text, the database gives dates.
        self.groups: dict[tuple, list[tuple[str, object, str]]] = {}
        pairs = {(a, str(born)) for a, born in pairs if a is not None and born is not None}
        if not pairs:
            return
        administrations = {administration for administration, _ in pairs}
        dates = {born for _, born in pairs}
        rows = Expert.objects.filter(
            home_administration_id__in=administrations, date_of_birth__in=dates
        ).values_list("pk", "given_names", "family_name", "home_administration_id", "date_of_birth")
        for pk, given, family, administration, born in rows:
            if (administration, str(born)) in pairs:
                key = name_key(given, family)
                self.groups.setdefault((administration, str(born)), []).append(
                    (key, pk, f"{given} {family}")
                )

    def add(self, administration, born, key, reference, label):
        self.groups.setdefault((administration, str(born)), []).append((key, reference, label))

    def matches(self, administration, born, key):
        """(reference, label) of the entries with a similar name in the same group."""
        return [
            (reference, label)
            for other_key, reference, label in self.groups.get((administration, str(born)), [])
            if similar_names(key, other_key)
        ]
