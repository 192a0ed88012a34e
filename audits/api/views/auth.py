"""Per-user API tokens: obtain one with a username and password, revoke it with DELETE.

A token is the key to one user's rights and nothing more. Revoking deletes it; the next POST
issues a new one. Logins through here are throttled like the admin's: django-axes counts the
failures (authenticate() is given the request, which it requires) and locks the account out.
"""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from audits.api.errors import LockedOut
from audits.api.serializers.auth import TokenObtainInput, TokenOutput
from audits.api.serializers.base import NoInput


class TokenView(APIView):
    throttle_scope = "token"

    def get_permissions(self):
        # Obtaining is how an anonymous caller becomes authenticated; revoking needs a caller.
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request=TokenObtainInput,
        responses={200: TokenOutput},
        auth=[],
        summary="Obtain your API token",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainInput(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # set on this request by django-axes
                raise LockedOut()
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # The same signal as an admin login: the ledger records it and axes clears the failures.
        user_logged_in.send(sender=type(user), request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOutput({"token": token.key}).data)

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def delete(self, request: Request) -> Response:
        NoInput(data=request.data).is_valid(raise_exception=True)
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
