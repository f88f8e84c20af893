"""When all of a user's sessions end (password change, account disabled, forced logout), their
API tokens end with them."""

from django.dispatch import receiver
from django.utils import timezone

from zhicun.accounts.sessions import sessions_ended
from zhicun.api.models import ApiToken


@receiver(sessions_ended)
def revoke_tokens(sender, user, **kwargs):
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
