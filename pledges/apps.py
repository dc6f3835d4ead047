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
        # New lines the members of a self-run group agreed on (decisions).
        from decisions import kinds
        from decisions.models import Proposal
        from groups.models import Group

        from .services import group_lines_are_so, group_lines_carry_out

        kinds.register(
            Proposal.Kind.PLEDGE_LINES,
            carry_out=group_lines_carry_out,
            proposable=lambda group: group.state in Group.State.RUNS_ITSELF,
            is_so=group_lines_are_so,
            describe=lambda proposal: proposal.text,
        )
