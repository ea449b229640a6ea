from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.twofactor import session_mark_pending, totp_device, two_factor_required


@receiver(user_logged_in, dispatch_uid="accounts_two_factor_pending")
def _second_factor_pending(sender, request, user, **kwargs) -> None:
    """A password login of someone who must (or chose to) use a second factor is not finished."""
    if request is None or not hasattr(request, "session"):
        return
    if two_factor_required(user) or totp_device(user) is not None:
        session_mark_pending(request)
