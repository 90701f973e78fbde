"""The faster decoder reads exactly what the library's decoder reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder

from infra.storage.transcoder import (
    DateAsISO,
    FastUUIDAsHex,
    LedgerTranscoder,
    register_ledger_transcodings,
)


def _pair() -> tuple[JSONTranscoder, LedgerTranscoder]:
    library, ours = JSONTranscoder(), LedgerTranscoder()
    for transcoder in (library, ours):
        for transcoding in (DateAsISO(), FastUUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
            transcoder.register(transcoding)
    return library, ours


SAMPLES = [
    {"id": uuid4(), "at": datetime(2021, 3, 4, 5, 6, tzinfo=UTC), "day": date(2021, 1, 1)},
    {"nested": {"ids": [uuid4(), uuid4()], "deep": [{"d": date(2020, 2, 29)}]}},
    {"amount": Decimal("12.50"), "text": "北坦街道华黎社区", "none": None, "flag": True},
    {"_type_": "looks typed but has three keys", "_data_": 1, "x": 2},
    {"ratio": float("nan"), "big": 2**80},  # only the library's parser reads these
    [1, "two", {"three": uuid4()}],
]


@pytest.mark.parametrize("value", SAMPLES)
def test_decodes_what_the_library_decodes(value: object) -> None:
    library, ours = _pair()
    data = library.encode(value)
    expected, got = library.decode(data), ours.decode(data)
    if isinstance(value, dict) and "ratio" in value:
        assert got["big"] == expected["big"] and got["ratio"] != got["ratio"]  # NaN
    else:
        assert got == expected == value


def test_the_stored_encodings_of_dates_and_ids_never_change() -> None:
    """Their names and forms are in every stored event: a log must still decode."""
    transcoder = JSONTranscoder()
    register_ledger_transcodings(transcoder)
    stored = (
        b'{"day":{"_type_":"date_iso","_data_":"2021-01-02"},'
        b'"id":{"_type_":"uuid_hex","_data_":"00000000000000000000000000000001"}}'
    )
    value = {"day": date(2021, 1, 2), "id": UUID(int=1)}
    assert transcoder.encode(value) == stored
    assert transcoder.decode(stored) == value
