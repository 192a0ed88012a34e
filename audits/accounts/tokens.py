"""API tokens (django-rest-knox) die with the password they were issued under, and on
deactivation: a stolen token must not outlive the owner's reaction of changing the password."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from knox.models import get_token_model

# Carried on the user instance from pre_save to post_save (an attribute no field or stub knows).
REVOKE_FLAG = "_revoke_tokens"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_credential_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    if instance.pk is None:
        setattr(instance, REVOKE_FLAG, False)
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    revoke = before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )
    setattr(instance, REVOKE_FLAG, revoke)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_credential_change(
    sender: type[User], instance: User, created: bool, **kwargs: Any
) -> None:
    if getattr(instance, REVOKE_FLAG, False):
        get_token_model().objects.filter(user=instance).delete()
        setattr(instance, REVOKE_FLAG, False)
