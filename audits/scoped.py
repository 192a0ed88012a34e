"""How each model of the register is scoped to forces.

Every model declares one of these as its `scoping` class attribute;
`audits.register.scoping.scope()`
refuses a model that declares none, and a system check names it at start-up (fail closed: a
model added later is unreadable until someone says who may read it).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ForceOwned:
    """Rows that belong to one force, reached from the row by the lookup `path` ("" for a force
    itself). With `national`, a row whose force is empty is national reference data that every
    signed-in user reads."""

    path: str
    national: bool = False


@dataclass(frozen=True)
class Shared:
    """Reference data every signed-in user reads whole: systems, policy profiles, rules."""


@dataclass(frozen=True)
class AllForcesOnly:
    """Read only by users who read every force (the ledger: it names every force's actors)."""


Scoping = ForceOwned | Shared | AllForcesOnly
SHARED = Shared()
ALL_FORCES_ONLY = AllForcesOnly()
