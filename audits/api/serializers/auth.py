from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from audits.api.serializers.base import RejectUnknownFieldsMixin


class TokenObtainInput(RejectUnknownFieldsMixin, AuthTokenSerializer):
    """Username and password; authenticate() gets the request, as django-axes requires."""

    username = serializers.CharField(max_length=150, write_only=True)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text='Send as "Authorization: Token <token>".')
