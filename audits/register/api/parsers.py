"""The API's one request parser: JSON, bounded before it is parsed.

json.loads recurses once per level of nesting, so a body of 100,000 "[" would exhaust the stack
(a RecursionError, answered 500) before any serializer saw it. The body's size is checked while
it is read and its nesting from the bracket characters outside strings, both before json.loads.
"""

import json
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json as drf_json

from audits.register.imports.limits import JSON_BYTES, JSON_DEPTH

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


class BodyTooLarge(APIException):
    # Here, not in audits.register.api.errors: that module imports DRF's views, which read this
    # parser
    # from the settings while it is being imported.
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read(JSON_BYTES + 1) if stream is not None else b""
        if len(raw) > JSON_BYTES:
            raise BodyTooLarge(f"The request body is over the limit of {JSON_BYTES:,} bytes.")
        try:
            text = raw.decode(settings.DEFAULT_CHARSET)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        depth = nesting_depth(text, limit=JSON_DEPTH)
        if depth > JSON_DEPTH:
            raise ParseError(
                f"JSON parse error - nested more than {JSON_DEPTH} levels deep; "
                f"the limit is {JSON_DEPTH}."
            )
        try:
            constant = drf_json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def nesting_depth(text: str, *, limit: int) -> int:
    """More than `limit` exactly when arrays and objects nest deeper than `limit`. Fast path:
    strip innermost pairs `limit` times in C; only an unbalanced or deeper body is walked, and
    the walk stops one level past the limit."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(limit):
        if not brackets:
            return 0
        brackets = _INNERMOST.sub("", brackets)
    depth = deepest = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest
