"""The kinds of notification. Apps register theirs at start-up (imports flow towards this app).

A kind names its email templates (templates/emails/<template>-subject.txt, -body.txt,
-body.html), whether a person may turn its emails off, and whether it shows in the bell.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

# Whom a kind is for: a person is offered the email preferences of their audiences only (an
# expert is not asked whether they want the Secretariat's weekly list).
EVERYONE = "everyone"
EXPERTS = "experts"
SECRETARIAT = "secretariat"
ADMINISTRATIONS = "administrations"  # Member administrations' addresses: no preferences


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
    audience: str = EVERYONE


REGISTRY: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        REGISTRY[kind.code] = kind


def get(code: str) -> Kind:
    return REGISTRY[code]


def _nobody_yet(user) -> set[str]:
    return set()


# The accounts app, which knows the roles, tells this one a person's audiences at start-up.
_audiences: Callable[[object], set[str]] = _nobody_yet


def set_audiences(find: Callable[[object], set[str]]) -> None:
    global _audiences
    _audiences = find


def audiences_of(user) -> set[str]:
    return {EVERYONE, *_audiences(user)}


def _for(audiences, kind: Kind) -> bool:
    return audiences is None or kind.audience in audiences


def optional_kinds(audiences: set[str] | None = None) -> list[Kind]:
    """The kinds a person may turn off or batch into a digest, in a stable order: of
    ``audiences`` only, when given."""
    found = (k for k in REGISTRY.values() if not k.essential and _for(audiences, k))
    return sorted(found, key=lambda k: k.code)


def essential_kinds(audiences: set[str] | None = None) -> list[Kind]:
    """The kinds always emailed at once, in a stable order: of ``audiences`` only, when given."""
    found = (k for k in REGISTRY.values() if k.essential and _for(audiences, k))
    return sorted(found, key=lambda k: k.code)
