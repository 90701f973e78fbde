"""Personal data (PIPL): reporters' contacts are sealed per person (crypto-shredding).

The domain sees only this protocol. The implementation (infra.storage.personal_data) keeps one
key per person outside the event log; `forget` deletes the key, after which every
sealed value of that person in the log is unreadable, while the hash chain stays intact.
Events keep only the ciphertext and a mask (138****1234) for read models.
"""

from __future__ import annotations

from typing import Protocol


class PersonalDataVault(Protocol):
    def seal(self, subject: str, plaintext: str) -> str: ...

    def open(self, subject: str, sealed: str) -> str | None:
        """The plaintext, or None once the subject's key was forgotten."""
        ...

    def forget(self, subject: str) -> bool: ...
