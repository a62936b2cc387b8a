"""Search over the library (helper H3 replaces this first version with full-text search)."""

from django.db.models import Q


def search(queryset, text: str):
    """The materials of ``queryset`` matching what a person typed."""
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(title__icontains=text)
        | Q(description__icontains=text)
        | Q(tags__icontains=text)
        | Q(body_text__icontains=text)
    )


def refresh_search_vectors(pks=None) -> None:
    """Recompute the search vector (and body text) of the given materials."""
