"""The kinds of notification. Apps register theirs at start-up (imports flow towards this app).

A kind names its email templates (templates/emails/<template>-subject.txt, -body.txt,
-body.html), whether a person may turn its emails off, and whether it shows in the bell.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    template: str
    # Essential kinds (account security, invitations with a deadline) are always emailed at
    # once: they cannot be turned off nor wait for a digest.
    essential: bool = False
    in_app: bool = True
    # Context keys removed once the email is sent (e.g. a single-use activation link).
    secret_context: tuple[str, ...] = ()


REGISTRY: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        REGISTRY[kind.code] = kind


def get(code: str) -> Kind:
    return REGISTRY[code]


def optional_kinds() -> list[Kind]:
    """The kinds a person may turn off or batch into a digest, in a stable order."""
    return sorted((k for k in REGISTRY.values() if not k.essential), key=lambda k: k.code)
