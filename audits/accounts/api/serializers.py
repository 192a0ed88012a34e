from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from audits.register.api.serializers.base import RejectUnknownFieldsMixin


class TokenObtainInput(RejectUnknownFieldsMixin, AuthTokenSerializer):
    """Username and password; authenticate() gets the request, as django-axes requires."""

    username = serializers.CharField(max_length=150, write_only=True)
    otp_token = serializers.CharField(
        max_length=64,
        required=False,
        write_only=True,
        help_text="Second factor: a code from your authenticator app or a recovery code. "
        "Required when the server requires two-factor authentication or you have enrolled.",
    )


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text='Send as "Authorization: Token <token>".')
    expiry = serializers.DateTimeField(help_text="The token is refused after this time.")
