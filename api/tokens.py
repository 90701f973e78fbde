"""Bearer tokens: JWT (RFC 7519) signed with HS256, named by a key id (`kid`).

One key signs; every configured key verifies, so a key is rotated by adding the new one,
signing with it, and removing the old one once its tokens have expired.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"
DEFAULT_KID = "default"
DEFAULT_LIFETIME = 8 * 3600  # an official's working day
REQUIRED_CLAIMS = ["sub", "role", "scope", "exp", "iat", "jti"]


class TokenRefused(Exception):
    """The token does not verify (bad signature, unknown key, expired, missing claims)."""


@dataclass(frozen=True)
class TokenKeys:
    keys: Mapping[str, str]  # kid -> secret; every one verifies
    signing_kid: str
    lifetime: int = DEFAULT_LIFETIME  # seconds from iat to exp

    def __post_init__(self) -> None:
        if self.signing_kid not in self.keys:
            raise ValueError(f"the signing key id {self.signing_kid!r} is not among the keys")
        if not all(kid and secret for kid, secret in self.keys.items()):
            raise ValueError("every key needs a key id and a secret")

    @classmethod
    def single(cls, secret: str, lifetime: int = DEFAULT_LIFETIME) -> TokenKeys:
        return cls({DEFAULT_KID: secret}, DEFAULT_KID, lifetime)

    @classmethod
    def parse(cls, spec: str, signing_kid: str, lifetime: int = DEFAULT_LIFETIME) -> TokenKeys:
        """`kid1:secret1,kid2:secret2`; the signing key id defaults to the last one."""
        keys: dict[str, str] = {}
        for member in spec.split(","):
            kid, colon, secret = member.strip().partition(":")
            if not colon or kid in keys:
                raise ValueError(f"each key is kid:secret, with a distinct kid (got {kid!r})")
            keys[kid] = secret
        return cls(keys, signing_kid or kid, lifetime)


def sign(keys: TokenKeys, claims: dict[str, Any]) -> str:
    now = int(time.time())
    body = {**claims, "iat": now, "exp": now + keys.lifetime, "jti": uuid.uuid4().hex}
    secret = keys.keys[keys.signing_kid]
    return jwt.encode(body, secret, algorithm=ALGORITHM, headers={"kid": keys.signing_kid})


def verify(keys: TokenKeys, token: str) -> dict[str, Any]:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        if not isinstance(kid, str) or kid not in keys.keys:
            raise TokenRefused("the bearer token names no key this server knows")
        return jwt.decode(
            token, keys.keys[kid], algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS}
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused("the bearer token has expired") from None
    except jwt.InvalidTokenError:
        raise TokenRefused("the bearer token is not valid") from None
