from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Confidentiality pledges")

    def ready(self) -> None:
        from groups import inside
        from groups.gate import pledge_check_register

        from .selectors import membership_has_signed_current, signed_membership_ids

        # The gate into a group and its inside page live below this app: they
        # get the pledge rule and who has signed from here.
        pledge_check_register(
            lambda membership: membership_has_signed_current(membership=membership)
        )
        inside.register(
            "pledges", lambda group, membership: {"signed": signed_membership_ids(group=group)}
        )
