"""Telling a member, when they log in, that messages to them bounced."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BouncedAddress
from .selectors import bounces_to_tell


def tell_about_bounces(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    bounced = bounces_to_tell(user=user)
    if not bounced or request is None:
        return
    messages.warning(
        request,
        _(
            "We could not deliver messages to the e-mail address or mobile number on your "
            "profile, so we have stopped sending to it. Please check your profile."
        ),
    )
    BouncedAddress.objects.filter(pk__in=[b.pk for b in bounced]).update(notified_at=timezone.now())
