"""A stand-in single sign-on issuer: locally generated RSA and EC keys, tokens it signs, and
its key set (JWKS) served by a real HTTP server on the loopback address."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://sso.city.example/realms/tianqiao"
AUDIENCE = "redprop-ledger"


@dataclass
class SigningKey:
    kid: str
    alg: str  # RS256 or ES256
    private: Any

    @classmethod
    def rsa(cls, kid: str) -> SigningKey:
        return cls(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def ec(cls, kid: str) -> SigningKey:
        return cls(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))

    def jwk(self) -> dict[str, Any]:
        kind = RSAAlgorithm if self.alg == "RS256" else ECAlgorithm
        public: dict[str, Any] = json.loads(kind.to_jwk(self.private.public_key()))
        return {**public, "kid": self.kid, "alg": self.alg, "use": "sig"}

    def public_pem(self) -> bytes:
        return bytes(
            self.private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )


def claims(**changes: Any) -> dict[str, Any]:
    """A valid district-admin token's claims; a value of None drops that claim."""
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "sso-user-1",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "redprop_role": "district_admin",
        "redprop_scope": "*",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def signed(key: SigningKey, headers: dict[str, Any] | None = None, **changes: Any) -> str:
    return jwt.encode(
        claims(**changes),
        key.private,
        algorithm=key.alg,
        headers={"kid": key.kid, **(headers or {})},
    )


def hs256_with_public_key(key: SigningKey, **changes: Any) -> str:
    """The algorithm-confusion attack: HS256 with the issuer's public key as the secret
    (assembled by hand, since PyJWT refuses to sign it)."""
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    signing_input = b".".join(
        _b64(json.dumps(part).encode()) for part in (header, claims(**changes))
    )
    mac = hmac.new(key.public_pem(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64(mac)).decode()


def unsigned(key: SigningKey, **changes: Any) -> str:
    return jwt.encode(claims(**changes), None, algorithm="none", headers={"kid": key.kid})


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


@dataclass
class JwksServer:
    """Serves `keys` as a JWKS at `url`; `fetches` counts requests. `mode` breaks it:
    "ok", "error" (HTTP 500), "junk" (not JSON) or "slow" (answers after `delay` seconds)."""

    keys: list[SigningKey]
    mode: str = "ok"
    delay: float = 3.0
    fetches: int = 0
    url: str = ""
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)

    def body(self) -> bytes:
        return json.dumps({"keys": [k.jwk() for k in self.keys]}).encode()

    @contextmanager
    def running(self) -> Iterator[JwksServer]:
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                served.fetches += 1
                if served.mode == "slow":
                    time.sleep(served.delay)
                status, body = (500, b"down") if served.mode == "error" else (200, served.body())
                if served.mode == "junk":
                    body = b"<html>not a key set</html>"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the slow answer's client gave up (its timeout), as it should

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_port}/realms/tianqiao/certs"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)
