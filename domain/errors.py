"""Named domain errors. The API maps each family to one HTTP status in one place."""


class DomainError(Exception):
    """Base of every refusal by the domain. `field` names the offending input, if any."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class AlreadyExists(DomainError):
    code = "already_exists"


class VersionMismatch(DomainError):
    """The caller's expected version (If-Match) is not the aggregate's current version."""

    code = "version_mismatch"

    def __init__(self, expected: int | frozenset[int], actual: int) -> None:
        named = [expected] if isinstance(expected, int) else sorted(expected)
        wanted = " or ".join(map(str, named)) or "none (only weak tags, which never match)"
        super().__init__(f"expected version {wanted}, but the current version is {actual}")
        self.expected = expected
        self.actual = actual


class InvalidTransition(DomainError):
    """The command is not allowed in the aggregate's current state."""

    code = "invalid_transition"


class RuleViolation(DomainError):
    """The command breaks a business rule (bad value, incoherent dates, overlap...)."""

    code = "rule_violation"


class NotPermitted(DomainError):
    """The actor may not do this (e.g. maker-checker: approver is the applicant)."""

    code = "not_permitted"


class Conflict(DomainError):
    """A concurrent write won; the command was not applied (retry with fresh state)."""

    code = "conflict"


class IdempotencyKeyReused(DomainError):
    """The idempotency key was already used for a different request."""

    code = "idempotency_key_reused"


class CompanyDoesNotServeCompound(RuleViolation):
    """An issue is routed to a company that has no service contract for its compound in
    force on the day of acceptance."""

    code = "company_does_not_serve_compound"


class OverlappingOwnersCommittee(RuleViolation):
    """A compound has one owners' committee at a time: terms may not overlap."""

    code = "overlapping_owners_committee"


class NotEligibleForSubsidy(RuleViolation):
    """The organisation's founding method is not eligible under the subsidy policy."""

    code = "not_eligible_for_subsidy"


class TooFewFullMembers(RuleViolation):
    """A party branch (and a general branch or committee) is founded with at least three full
    members; fewer may only form a party group attached to an existing organisation."""

    code = "too_few_full_members"


class UnstorableText(RuleViolation):
    """Text holding a character no store or view can hold (NUL, a lone surrogate)."""

    code = "unstorable_text"

    def __init__(self, field: str, char: str) -> None:
        super().__init__(f"{field} contains U+{ord(char):04X}, which cannot be stored", field=field)


class OverlappingOrgBody(RuleViolation):
    """A community or street has one body of each kind (community party organisation,
    residents' committee, guidance committee, street property office) at a time."""

    code = "overlapping_org_body"
