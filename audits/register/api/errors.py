"""One error shape for the whole API.

    {"error": {"status": 400, "code": "invalid", "message": "...",
               "fields": [{"field": "score", "code": "max_value", "message": "..."}],
               "items": [{"index": 3, "field": "score", "message": "..."}]}}

`fields` is always present (empty unless input was invalid); `items` only for a rejected batch.
Django's ValidationError and PermissionDenied, which the record services raise, get the same
treatment as DRF's own exceptions, so no bad input ever reaches the 500 handler.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


class ItemErrors(exceptions.APIException):
    """A batch with bad items: every bad item is listed, and nothing was written."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_items"
    default_detail = "Some items are invalid; nothing was written."

    def __init__(self, items: list[dict[str, Any]]):
        super().__init__()
        self.items = items


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = "Too many failed logins: this account is locked for a while."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        # Django's message names the model; "not found" is all a caller needs to know.
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RecursionError):
        # Input nested past what Python can walk is bad input, whatever read it: never a 500.
        return exceptions.ParseError("The input is nested too deeply.")
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    api_exc = as_api_exception(exc)
    if api_exc is None:
        return None  # a genuine bug: let Django answer 500 and log it
    response = drf_exception_handler(api_exc, context)
    if response is None:  # DRF answers every APIException; nothing else reaches it
        return None
    response.data = {"error": error_body(api_exc, response.status_code)}
    return response


def error_body(exc: exceptions.APIException, status_code: int) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status_code, "code": _code(exc), "fields": []}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = field_errors(exc.detail)
        body["message"] = _validation_message(body["fields"])
    else:
        body["message"] = safe_text(exc.detail)
    if isinstance(exc, ItemErrors):
        body["items"] = [{key: safe_text(value) for key, value in it.items()} for it in exc.items]
    return body


def safe_text(value: Any) -> Any:
    """Text that can be encoded: messages can quote input, and JSON input can carry a lone
    surrogate ("\\ud800") that no UTF-8 response could hold."""
    if value is None or isinstance(value, int):
        return value
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    code = getattr(exc.detail, "code", None)
    return str(code or exc.default_code)


def _validation_message(fields: list[dict[str, Any]]) -> str:
    if len(fields) == 1:
        only = fields[0]
        return f"{only['field']}: {only['message']}" if only["field"] else only["message"]
    return f"{len(fields)} problems with the input; see fields."


def field_errors(detail: Any, prefix: str | None = None) -> list[dict[str, Any]]:
    """Flatten DRF's nested error detail into one entry per message, with a dotted path."""
    if isinstance(detail, Mapping):
        entries = []
        for key, value in detail.items():
            name = prefix if key in NON_FIELD_KEYS else _join(prefix, safe_text(key))
            entries.extend(field_errors(value, name))
        return entries
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return [_entry(prefix, item) for item in detail]
        entries = []
        for index, item in enumerate(detail):
            entries.extend(field_errors(item, f"{prefix or ''}[{index}]"))
        return entries
    return [_entry(prefix, detail)]


def _join(prefix: str | None, key: Any) -> str:
    if isinstance(key, int):  # a list item (ListField errors are keyed by position)
        return f"{prefix or ''}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def _entry(field: str | None, message: Any) -> dict[str, Any]:
    code = getattr(message, "code", None) or "invalid"
    return {"field": field, "code": str(code), "message": safe_text(message)}


# -- Django-level handlers: URLs no view matched, and crashes, still answer in the shape under /api/


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json_error(status_code: int, code: str, message: str) -> JsonResponse:
    body = {"status": status_code, "code": code, "message": message, "fields": []}
    return JsonResponse({"error": body}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(400, "bad_request", "The request could not be understood.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A refusal that says what was refused and what the user's roles are, never a bare 403."""
    if _is_api(request):
        return _json_error(403, "permission_denied", str(exception) or "Not allowed.")
    from audits.register.admin.lifecycle import refused  # the admin loads after the API

    reason = str(exception) or "Your role does not allow this page."
    return refused(request, "You may not do this", reason).render()


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(404, "not_found", "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json_error(500, "server_error", "Internal error; it has been logged.")
    return defaults.server_error(request)
