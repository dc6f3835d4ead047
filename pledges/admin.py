from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import AuditEvent
from core.services import audit

from .models import Pledge
from .services import pledge_publish


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    """National pledge versions.

    A version is written as a draft and published by setting "published" (or
    with the action). Once published, what members signed must stay what it
    was: its texts are read-only, and a signed version cannot be deleted.
    Signatures and group lines are not in the admin: they tell who is in
    which group.
    """

    list_display = ["version", "published_at", "signature_count", "created_at"]
    ordering = ["-version"]
    actions = ["publish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pledge]:
        return super().get_queryset(request).annotate(_signatures=Count("signatures"))

    @admin.display(description=_("signatures"), ordering="_signatures")
    def signature_count(self, obj: Pledge) -> int:
        return getattr(obj, "_signatures", 0)

    def get_readonly_fields(self, request: HttpRequest, obj: Pledge | None = None) -> Any:
        if obj is not None and obj.published_at is not None:
            return ["version", "text_nb", "text_nn", "text_en", "published_at"]
        return []

    def save_model(self, request: HttpRequest, obj: Pledge, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.published_at is not None and "published_at" in form.changed_data:
            audit(
                actor=request.user,
                event=AuditEvent.Event.PLEDGE_PUBLISHED,
                target=obj,
                data={"version": obj.version},
            )

    def has_delete_permission(self, request: HttpRequest, obj: Pledge | None = None) -> bool:
        if obj is not None and obj.signatures.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Publish the selected versions"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Pledge]) -> None:
        drafts = list(queryset.filter(published_at__isnull=True))
        for pledge in drafts:
            pledge_publish(pledge=pledge, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d version published.", "%(count)d versions published.", len(drafts))
            % {"count": len(drafts)},
            messages.SUCCESS,
        )
