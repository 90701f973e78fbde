"""The library's JSON transcoder with a faster decoder.

Stored bytes are unchanged (encoding is the library's, so the hash chain is too). Decoding
parses with orjson and then revives the `{"_type_": ..., "_data_": ...}` objects bottom-up,
as the library's `object_hook` does; it is 1.4-1.8x as fast (measured on the registry
log), and decoding is most of
the cost of a projection rebuild and of loading an aggregate.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class LedgerTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:  # what only the library's parser reads (NaN, bigints)
            return super().decode(data)
        return self._revive(parsed)

    def _revive(self, obj: Any) -> Any:
        if type(obj) is dict:
            for key, value in obj.items():
                kind = type(value)
                if kind is dict:
                    data = value.get("_data_")
                    if len(value) == 2 and type(data) is str and "_type_" in value:
                        obj[key] = self._scalar(value, data)  # uuid, datetime, date, decimal
                    else:
                        obj[key] = self._revive(value)
                elif kind is list:
                    obj[key] = self._revive(value)
            return self._decode_obj(obj) if len(obj) == 2 and "_type_" in obj else obj
        if type(obj) is list:
            return [self._revive(v) if type(v) is dict or type(v) is list else v for v in obj]
        return obj

    def _scalar(self, typed: dict[str, Any], data: str) -> Any:
        transcoding = self.names.get(typed["_type_"])
        return transcoding.decode(data) if transcoding else self._decode_obj(typed)
