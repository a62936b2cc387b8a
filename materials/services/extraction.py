"""Text extraction of material versions (helper H3 implements)."""


def extract(version_pk: int) -> str:
    raise NotImplementedError
