"""OpenAPI 3 (drf-spectacular): request and response serializers per action, and the one error
shape documented on every operation."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework.request import Request

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error of the API has this shape.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status."},
                "code": {"type": "string", "description": "e.g. invalid, not_found."},
                "message": {"type": "string"},
                "fields": {
                    "type": "array",
                    "description": "One entry per problem with the input.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {
                                "type": "string",
                                "nullable": True,
                                "description": "Dotted path; null for the input as a whole.",
                            },
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                        },
                        "required": ["field", "code", "message"],
                    },
                },
                "items": {
                    "type": "array",
                    "description": "A rejected batch: every bad item.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "index": {"type": "integer", "nullable": True},
                            "field": {"type": "string", "nullable": True},
                            "message": {"type": "string"},
                        },
                        "required": ["index", "field", "message"],
                    },
                },
            },
            "required": ["status", "code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input (see fields) or a rule of the register broken.",
    "401": "No or an invalid token.",
    "403": "Your role or force may not do this.",
    "404": "No such record in your scope.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "413": "Request body too large.",
    "415": "Unsupported media type (send JSON).",
    "429": "Too many requests, or locked out after failed logins.",
}
BODY_METHODS = {"post", "put", "patch"}


class ApiAutoSchema(AutoSchema):
    """Views say which serializer goes in and which comes out (`schema_for`), as they differ."""

    def _view_entry(self) -> tuple | None:
        schema_for = getattr(self.view, "schema_for", None)
        action = getattr(self.view, "action", None)
        return schema_for(action) if schema_for and action else None

    def get_request_serializer(self) -> Any:
        entry = self._view_entry()
        return entry[0] if entry else super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        entry = self._view_entry()
        return entry[1] if entry else super().get_response_serializers()


def add_error_responses(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """Document the error shape for every status an operation can answer with, and that every
    request body refuses fields it does not name (the input serializers reject them)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            codes = ["400", "401", "403", "404", "405", "406", "429"]
            if method in BODY_METHODS:
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


class VerifiedSessionScheme(SessionScheme):
    # The same cookie as Django's session; it only also needs the second factor passed.
    target_class = "audits.accounts.mfa.VerifiedSessionAuthentication"
