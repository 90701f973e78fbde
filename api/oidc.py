"""Bearer tokens from an external OpenID Connect issuer (a city's single sign-on).

Such a token is signed with RS256 or ES256 by a key the issuer publishes in its key set
(JWKS), names the issuer in `iss` and this server in `aud`, and carries the caller's role and
scope in two configurable claims. Local HS256 tokens keep working beside it: a token is the
issuer's when its `iss` is the configured issuer.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jwt
from jwt import PyJWK, PyJWKClient, PyJWKSet

from api.roles import ALL_ROLES
from api.tokens import TokenRefused
from domain.token_revocations import MAX_JTI

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "ES256")  # never HS256 or none for tokens from outside
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti"]


class KeySetUnavailable(Exception):
    """The issuer's key set could not be had (fetch failed, timed out or made no sense)."""


class KeySource(Protocol):
    def key_for(self, kid: str) -> PyJWK | None: ...


def usable_keys(key_set: PyJWKSet) -> list[PyJWK]:
    """The set's signing keys that have a key id and an allowed algorithm."""
    return [
        key
        for key in key_set.keys
        if key.key_id and key.algorithm_name in ALGORITHMS and key.public_key_use in ("sig", None)
    ]


def load_key_set(path: str) -> PyJWKSet:
    """A JWKS file; ValueError (one line) if it cannot be read or has no usable key."""
    try:
        key_set = PyJWKSet.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, AttributeError, jwt.PyJWTError) as bad:
        raise ValueError(f"not a readable JWKS file ({type(bad).__name__}: {bad})") from None
    if not usable_keys(key_set):
        raise ValueError(f"no signing key with a kid and alg {' or '.join(ALGORITHMS)}")
    return key_set


@dataclass(frozen=True)
class JwksFile:
    """A key set read once from a file (rotate by replacing the file and restarting)."""

    key_set: PyJWKSet

    @classmethod
    def read(cls, path: str) -> JwksFile:
        return cls(load_key_set(path))

    def key_for(self, kid: str) -> PyJWK | None:
        return next((k for k in usable_keys(self.key_set) if k.key_id == kid), None)


@dataclass
class JwksUrl:
    """The issuer's published key set, fetched with a timeout and kept `lifespan` seconds.
    A key id it does not have refetches the set, at most once per `cooldown` seconds (the
    issuer may have just rotated; a stream of made-up key ids must not flood it). One fetch at
    a time: requests arriving meanwhile wait for it and use what it brought."""

    url: str
    timeout: float = 5.0
    lifespan: float = 300.0
    cooldown: float = 30.0
    _client: PyJWKClient = field(init=False)
    _last_refresh: float = field(init=False, default=float("-inf"))
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _fetching: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._client = PyJWKClient(self.url, lifespan=self.lifespan, timeout=self.timeout)

    def key_for(self, kid: str) -> PyJWK | None:
        found = self._find(kid, refresh=False)
        if found is None:
            with self._lock:
                if time.monotonic() - self._last_refresh < self.cooldown:
                    return None
                self._last_refresh = time.monotonic()
            found = self._find(kid, refresh=True)
        return found

    def _find(self, kid: str, *, refresh: bool) -> PyJWK | None:
        try:
            with self._fetching:
                key_set = self._client.get_jwk_set(refresh=refresh)
        except (jwt.PyJWTError, ValueError, OSError) as bad:  # PyJWKClient(Connection)Error too
            log.warning(
                "single sign-on key set not fetched",
                extra={"event": "jwks_fetch_failed", "url": self.url, "error": str(bad)[:300]},
            )
            raise KeySetUnavailable(
                f"the single sign-on key set could not be fetched ({type(bad).__name__})"
            ) from None
        return next((k for k in usable_keys(key_set) if k.key_id == kid), None)


@dataclass(frozen=True)
class OidcIssuer:
    issuer: str
    audience: str
    keys: KeySource
    role_claim: str = "redprop_role"
    scope_claim: str = "redprop_scope"
    leeway: int = 30  # seconds of clock difference allowed on exp, iat and nbf

    def verify(self, token: str) -> dict[str, str]:
        """`sub`, `role`, `scope` and `jti` of a token this issuer signed; TokenRefused
        (→ 401) with the reason, or KeySetUnavailable (→ 503)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise TokenRefused("the bearer token is not valid") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALGORITHMS:
            raise TokenRefused(
                f"a single sign-on token must be signed with {' or '.join(ALGORITHMS)}"
            )
        if not isinstance(kid, str) or not kid:
            raise TokenRefused("the bearer token names no key (kid)")
        key = self.keys.key_for(kid)
        if key is None:
            raise TokenRefused("the bearer token names no key the issuer publishes")
        if key.algorithm_name != alg:
            raise TokenRefused(f"the issuer's key {kid!r} is not an {alg} key")
        claims = self._decode(token, key, alg)
        return {
            "sub": _text(claims, "sub"),
            "jti": _jti(claims),
            "role": self._role(claims),
            "scope": self._scope(claims),
        }

    def _decode(self, token: str, key: PyJWK, alg: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRefused("the bearer token has expired") from None
        except jwt.ImmatureSignatureError:
            raise TokenRefused("the bearer token is issued in the future (iat or nbf)") from None
        except jwt.InvalidAudienceError:
            raise TokenRefused(f"the bearer token is not meant for {self.audience!r}") from None
        except jwt.MissingRequiredClaimError as missing:
            raise TokenRefused(f"the bearer token has no {missing.claim!r} claim") from None
        except jwt.InvalidTokenError:
            raise TokenRefused("the bearer token is not valid") from None
        if not isinstance(claims["iat"], int | float) or claims["iat"] > time.time() + self.leeway:
            raise TokenRefused("the bearer token is issued in the future (iat or nbf)")
        return claims

    def _role(self, claims: dict[str, Any]) -> str:
        role = claims.get(self.role_claim)
        if role is None:
            raise TokenRefused(f"the bearer token has no {self.role_claim!r} claim")
        if not isinstance(role, str) or role not in ALL_ROLES:
            raise TokenRefused(
                f"the {self.role_claim!r} claim {_shown(role)} is not a role here"
                f" (one of {', '.join(sorted(ALL_ROLES))})"
            )
        return role

    def _scope(self, claims: dict[str, Any]) -> str:
        scope = claims.get(self.scope_claim)
        if not isinstance(scope, str) or not scope:
            raise TokenRefused(
                f"the bearer token has no {self.scope_claim!r} claim"
                " ('*' for the whole district, else an org unit or company id)"
            )
        return scope


def claimed_issuer(token: str) -> Any:
    """The `iss` a token says it has (unverified: it only chooses how to verify)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise TokenRefused("the bearer token is not valid") from None
    return claims.get("iss") if isinstance(claims, dict) else None


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims[name]
    if not isinstance(value, str) or not value:
        raise TokenRefused(f"the bearer token's {name!r} claim is not a string")
    return value


def _jti(claims: dict[str, Any]) -> str:
    jti = _text(claims, "jti")
    if len(jti) > MAX_JTI:  # it could never be revoked
        raise TokenRefused(f"the bearer token's 'jti' is longer than {MAX_JTI} characters")
    return jti


def _shown(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
