"""API tokens (django-rest-knox) die with the password they were issued under, and on
deactivation: a stolen token must not outlive the owner's reaction of changing the password."""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from knox.models import get_token_model


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_credential_change(sender, instance, **kwargs):
    if instance.pk is None:
        instance._revoke_tokens = False
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._revoke_tokens = before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_credential_change(sender, instance, created, **kwargs):
    if getattr(instance, "_revoke_tokens", False):
        get_token_model().objects.filter(user=instance).delete()
        instance._revoke_tokens = False
