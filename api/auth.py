"""Who is calling (from the bearer token) and per-endpoint role checks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from hashlib import sha256
from typing import Any

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, ServiceUnavailable, Unauthorized

from api.oidc import KeySetUnavailable, OidcIssuer, claimed_issuer
from api.roles import ALL_ROLES, ROLES
from api.tokens import TokenKeys, TokenRefused, sign, verify
from projections import token_revocations

WHOLE_DISTRICT = "*"


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str
    scope: str  # "*" for the whole district, else the id of an org unit or company
    jti: str = ""  # the token's unique id (what a revocation names)

    def covers(self, ids: Iterable[Any]) -> bool:
        """Whether the principal's scope includes any of these ids (an ancestry chain)."""
        return self.scope == WHOLE_DISTRICT or self.scope in {str(i) for i in ids}


def _keys(keys: TokenKeys | str) -> TokenKeys:
    """A bare secret is the single-key shorthand (REDPROP_SECRET)."""
    return TokenKeys.single(keys) if isinstance(keys, str) else keys


def mint_token(
    keys: TokenKeys | str, *, user_id: str, role: str, scope: str = WHOLE_DISTRICT
) -> str:
    if role not in ALL_ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return sign(_keys(keys), {"sub": user_id, "role": role, "scope": scope})


def read_token(keys: TokenKeys | str, token: str, issuer: OidcIssuer | None = None) -> Principal:
    """A local HS256 token (no `iss`), or one from the configured single sign-on issuer."""
    return _read_token(keys, token, issuer)[0]


def _read_token(
    keys: TokenKeys | str, token: str, issuer: OidcIssuer | None
) -> tuple[Principal, float]:
    """The token's holder and when the token expires (seconds since the epoch)."""
    try:
        claims = _verified(_keys(keys), token, issuer)
    except TokenRefused as refused:
        raise Unauthorized(str(refused)) from None
    except KeySetUnavailable as unavailable:
        error = ServiceUnavailable(f"{unavailable}; try again shortly")
        error.data = {"headers": {"Retry-After": "5"}}  # type: ignore[attr-defined]
        raise error from None
    role, scope = claims["role"], claims["scope"]
    if not isinstance(role, str) or role not in ALL_ROLES or not isinstance(scope, str):
        raise Unauthorized("the bearer token is not valid")
    expires = claims.get("exp")
    who = Principal(str(claims["sub"]), role, scope, str(claims["jti"]))
    return who, float(expires) if isinstance(expires, int | float) else 0.0


class VerifiedTokens:
    """Tokens this process verified in the last `seconds` (kept by their SHA-256), so a
    client's next request skips decoding and checking the signature again. A token is kept
    until its own expiry at the latest; refused tokens are never kept. Revocation is
    checked on every request all the same (`authenticate`)."""

    def __init__(self, seconds: float = 30.0, size: int = 4096) -> None:
        self.seconds = seconds
        self.size = size
        self._kept: dict[bytes, tuple[Principal, float]] = {}

    def get(self, token: str, now: float) -> Principal | None:
        kept = self._kept.get(sha256(token.encode()).digest())
        if kept is None or now >= kept[1]:
            return None
        return kept[0]

    def put(self, token: str, who: Principal, expires: float, now: float) -> None:
        if expires <= now:
            return
        if len(self._kept) >= self.size:
            self._kept = {}  # bounded: start again rather than track ages
        self._kept[sha256(token.encode()).digest()] = (who, min(expires, now + self.seconds))


def _verified(keys: TokenKeys, token: str, issuer: OidcIssuer | None) -> dict[str, Any]:
    iss = claimed_issuer(token)
    if iss is None:
        return verify(keys, token)
    if issuer is not None and iss == issuer.issuer:
        return dict(issuer.verify(token))
    raise TokenRefused("the bearer token's issuer (iss) is not one this server trusts")


def load_principal() -> None:
    """before_request: attach the caller (or None) to `g.principal`."""
    g.principal = None
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    g.principal = authenticate(token.strip())


def authenticate(token: str) -> Principal:
    """The token's holder, unless the token does not verify or has been revoked (401)."""
    services = current_app.extensions["redprop"]
    verified: VerifiedTokens = current_app.extensions.setdefault(
        "redprop.verified_tokens", VerifiedTokens()
    )
    now = time.time()
    who = verified.get(token, now)
    if who is None:
        who, expires = _read_token(services.tokens, token, services.oidc)
        verified.put(token, who, expires, now)
    with services.read_engine.connect() as conn:
        if token_revocations.is_revoked(conn, who.jti):
            raise Unauthorized("the bearer token has been revoked")
    return who


def principal() -> Principal:
    if g.get("principal") is None:
        raise Unauthorized("a bearer token is required")
    who: Principal = g.principal
    return who


def require(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Allow only these roles. The list is also written into the OpenAPI document."""
    allowed = frozenset(roles)
    unknown = allowed - ALL_ROLES
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            who = principal()
            if who.role not in allowed:
                raise Forbidden(f"role {who.role} may not call this endpoint")
            return view(*args, **kwargs)

        note = "Allowed roles: " + ", ".join(r for r in ROLES if r in allowed) + "."
        apidoc = getattr(checked, "_apidoc", {})
        apidoc.setdefault("manual_doc", {}).setdefault("security", [{"bearerAuth": []}])
        checked._apidoc = apidoc  # type: ignore[attr-defined]
        checked.__doc__ = f"{(view.__doc__ or '').strip()}\n\n{note}"
        return checked

    return decorate


def require_scope(ids: Iterable[Any]) -> None:
    """403 unless the caller's org scope covers one of these ids."""
    if not principal().covers(ids):
        raise Forbidden("this is outside your org scope")
