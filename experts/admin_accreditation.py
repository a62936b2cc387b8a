"""Admin for accreditations, their history, workshops and the review queue of requests."""
