"""Per-user API tokens: obtain one with a username, password and second factor; DELETE revokes.

Tokens are django-rest-knox's: only a hash is stored, each expires (REST_KNOX TOKEN_TTL), and
all of a user's tokens are deleted when the password changes or the account is deactivated
(audits/accounts/tokens.py). Logins through here are throttled like the admin's: django-axes
counts the failures (authenticate() is given the request, which it requires) and locks the
username out from that address.
"""

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from knox.models import get_token_model
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from audits.accounts import mfa
from audits.accounts.api.serializers import TokenObtainInput, TokenOutput
from audits.accounts.client_address import client_address
from audits.accounts.throttling import ScopedClientRateThrottle
from audits.register.api.errors import LockedOut
from audits.register.api.serializers.base import NoInput


class EnrolmentRequired(exceptions.PermissionDenied):
    default_detail = (
        "Two-factor authentication is required: enrol an authenticator app in the admin "
        "(/admin/two-factor/) first, then obtain a token with its code in otp_token."
    )
    default_code = "enrolment_required"


class TokenView(APIView):
    throttle_scope = "token"

    def get_permissions(self) -> list[BasePermission]:
        # Obtaining is how an anonymous caller becomes authenticated; revoking needs a caller.
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Signing in needs no prior authentication, so an unverified session cannot block it.
        # (The schema generator asks without a request.)
        signing_in = getattr(self.request, "method", None) == "POST"
        return [] if signing_in else super().get_authenticators()

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedClientRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request=TokenObtainInput,
        responses={200: TokenOutput},
        auth=[],
        summary="Obtain an API token",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainInput(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # set on this request by django-axes
                raise LockedOut()
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        self._check_second_factor(request, user, serializer.validated_data.get("otp_token", ""))
        # The same signal as an admin login: the ledger records it and axes clears the failures.
        user_logged_in.send(sender=type(user), request=request, user=user)
        instance, token = get_token_model().objects.create(user=user)
        return Response(TokenOutput({"token": token, "expiry": instance.expiry}).data)

    def _check_second_factor(self, request: Request, user: User, code: str) -> None:
        if not mfa.needs_second_factor(user):
            return
        if not mfa.has_device(user):
            raise EnrolmentRequired()
        if not code:
            raise exceptions.ValidationError(
                {"otp_token": ["A second factor is required for this account."]}
            )
        if not mfa.second_factor_verify(
            request=None, user=user, code=code, address=client_address(request)
        ):
            raise exceptions.ValidationError(
                {"otp_token": ["This code is not valid (or was already used)."]}
            )

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def delete(self, request: Request) -> Response:
        NoInput(data=request.data).is_valid(raise_exception=True)
        # The token this request came with; over a session, every token of the user.
        if isinstance(request.auth, get_token_model()):
            request.auth.delete()
        else:
            get_token_model().objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
