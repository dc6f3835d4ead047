"""Pledge signatures (see ``core.personal_data``)."""

from __future__ import annotations

from typing import Any

from core.personal_data import ExportSection, PersonalData, iso, register

from .models import PledgeSignature


def _signatures(user: Any) -> dict[int, list[dict[str, Any]]]:
    signatures: dict[int, list[dict[str, Any]]] = {}
    for signature in PledgeSignature.objects.filter(membership__user=user).select_related("pledge"):
        signatures.setdefault(signature.membership_id, []).append(
            {
                "pledge_version": signature.pledge.version,
                "group_lines_revision": signature.group_lines_revision,
                "typed_name": signature.typed_name,
                "signed_at": iso(signature.signed_at),
            }
        )
    return signatures


class PledgesData(PersonalData):
    app_label = "pledges"
    models = ("pledges.PledgeSignature",)
    links = {"pledges.PledgeSignature.membership": "memberships[].pledge_signatures"}
    sections = (ExportSection("memberships[].pledge_signatures", _signatures),)


register(PledgesData())
