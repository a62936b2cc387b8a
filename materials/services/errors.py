"""The refusals of the materials services, each with a message for the person who tried."""


class MaterialsError(Exception):
    """A refused action, with a message for the person who tried it; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(MaterialsError):
    pass


class FileRefused(MaterialsError):
    """The upload failed its content or size check."""
