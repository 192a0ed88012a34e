"""Record refused requests in the ledger, so that probing another force's records leaves a trace."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction
from audits.register.scoping import user_force

# Set on a request once its refusal is in the ledger, so that a 403 is recorded once.
DENIAL_RECORDED = "_denial_recorded"


class PermissionDeniedLedgerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            record_denial(request, "HTTP 403")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            record_denial(request, str(exception))
        return None  # Django's own handling turns it into the 403 response


def record_denial(request: HttpRequest, reason: str) -> None:
    if getattr(request, DENIAL_RECORDED, False):
        return
    setattr(request, DENIAL_RECORDED, True)
    user = request.user
    force = user_force(user) if user.is_authenticated else None
    ledger.append(
        action=LedgerAction.PERMISSION_DENIED,
        actor=user.get_username() if user.is_authenticated else "",
        force=force.code if force else "",
        object_type="request",
        object_id=request.path[:60],
        changes={"method": request.method, "path": request.path},
        reason=reason,
    )
