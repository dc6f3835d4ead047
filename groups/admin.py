from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import BYDAY_CODES, Group, Theme
from .signals import SCHEDULE_FIELDS, announce_schedule_change, announce_state_change


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name_nb", "name_nn", "name_en", "is_mixed", "sort_order"]
    prepopulated_fields = {"slug": ["name_nb"]}


class GroupAdminForm(forms.ModelForm):
    """The chosen meeting days as boxes to tick, never as codes to type ("MO,TH")."""

    custom_days = forms.MultipleChoiceField(
        label=_("meeting days"),
        choices=list(zip(BYDAY_CODES, Group.Weekday.labels, strict=True)),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For groups that meet on chosen days, e.g. Mondays and Thursdays."),
    )

    class Meta:
        model = Group
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields, as without this form)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["custom_days"] = [
                code for code in (self.instance.custom_days or "").split(",") if code
            ]

    def clean_custom_days(self) -> str:
        chosen = self.cleaned_data.get("custom_days") or []
        return ",".join(code for code in BYDAY_CODES if code in chosen)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    form = GroupAdminForm
    list_display = ["name", "state", "format", "kommune", "contact_point"]
    list_filter = ["state", "format", "theme"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["kommune", "contact_point"]
    # Both name a person beside the group: its contact person is one of its
    # members, and its creator may be its initiator (docs/privacy.md).
    exclude = ["contact_person", "created_by"]
    # Recorded by the lifecycle and read by the statistics, not typed: and a
    # time in October's repeated hour could not be posted back unambiguously.
    readonly_fields = ["state_changed_at", "published_at", "started_at", "self_run_at"]

    def save_model(self, request: Any, obj: Group, form: Any, change: bool) -> None:
        """Save, and announce a new state or meeting time like the services do."""
        previous = form.initial.get("state", "") if change else ""
        super().save_model(request, obj, form, change)
        if not change or "state" in form.changed_data:
            announce_state_change(group=obj, previous=previous)
        if change and set(form.changed_data) & set(SCHEDULE_FIELDS):
            announce_schedule_change(group=obj)


# Memberships are deliberately not in the admin: who is in which group is
# not something national staff need to see (docs/privacy.md).
