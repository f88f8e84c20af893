"""Keep track of signed-in sessions, and audit lockouts."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from zhicun.accounts.models import UserSession
from zhicun.audit.context import origin_from_request
from zhicun.audit.services import audit_record


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    origin = origin_from_request(request)
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "ip": origin.ip, "user_agent": origin.user_agent},
    )


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(user_locked_out)
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(
        actor=None,
        actor_name=str(username or "")[:150],
        action="lockout",
        success=False,
        details={"username": username or "", "ip": ip_address or ""},
    )
