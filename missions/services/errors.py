"""The refusals of the missions services, each with a message for the person who tried."""


class MissionError(Exception):
    """A refused action, with a message for the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(MissionError):
    pass
