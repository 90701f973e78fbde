"""Crypto-shredding vault: one AES-256-GCM key per person, kept outside the event log.

The log holds only ciphertext (`reporter_contact_sealed`); `forget` deletes the key, so
the person's data in the log can no longer be read, yet no event is altered and the
hash chain still verifies. Keys live in `personal_data_keys` in the events database.
"""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime

from Crypto.Cipher import AES
from sqlalchemy import Column, Engine, LargeBinary, MetaData, String, Table, delete, insert, select
from sqlalchemy.exc import IntegrityError

metadata = MetaData()

personal_data_keys = Table(
    "personal_data_keys",
    metadata,
    Column("subject", String(64), primary_key=True),
    Column("key", LargeBinary(32), nullable=False),
    Column("created_at", String(40), nullable=False),
)


class SqlKeyVault:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def _key(self, subject: str, *, create: bool) -> bytes | None:
        found = self._find(subject)
        if found is not None or not create:
            return found
        return self._create(subject)

    def _find(self, subject: str) -> bytes | None:
        t = personal_data_keys
        with self.engine.connect() as conn:
            found: bytes | None = conn.execute(
                select(t.c.key).where(t.c.subject == subject)
            ).scalar()
            return found

    def _create(self, subject: str) -> bytes:
        """A new key, in a transaction that writes first: a read before the write would pin
        an SQLite snapshot that any commit in between makes stale ('database is locked')."""
        key = os.urandom(32)
        created_at = datetime.now(UTC).isoformat()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(personal_data_keys).values(
                        subject=subject, key=key, created_at=created_at
                    )
                )
        except IntegrityError:  # created meanwhile by another request: use that one
            found = self._find(subject)
            assert found is not None
            return found
        return key

    def seal(self, subject: str, plaintext: str) -> str:
        key = self._key(subject, create=True)
        assert key is not None
        nonce = os.urandom(12)
        cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
        data, tag = cipher.encrypt_and_digest(plaintext.encode())
        return base64.urlsafe_b64encode(nonce + tag + data).decode()

    def open(self, subject: str, sealed: str) -> str | None:
        key = self._key(subject, create=False)
        if key is None:
            return None
        raw = base64.urlsafe_b64decode(sealed.encode())
        cipher = AES.new(key, AES.MODE_GCM, nonce=raw[:12])
        return cipher.decrypt_and_verify(raw[28:], raw[12:28]).decode()

    def forget(self, subject: str) -> bool:
        with self.engine.begin() as conn:
            t = personal_data_keys
            return conn.execute(delete(t).where(t.c.subject == subject)).rowcount > 0
