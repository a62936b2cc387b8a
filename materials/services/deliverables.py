"""Deliverables of working groups (helper H1 implements)."""


def remind_due(*, today=None) -> int:
    raise NotImplementedError
