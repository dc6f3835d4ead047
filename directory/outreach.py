"""Printable outreach material: an A4 poster and an A6 card with a QR code.

A contact point or a public group prints it to hang on a notice board or
hand out. The QR code leads to the public page and is drawn on the server as
inline SVG (``segno``), so printing needs no image request and no other site.
What the sheet says is what the public page says: the cadence in plain words,
the kommune or "digital", and the contact point's public phone; never the
meeting place.
"""

from __future__ import annotations

import enum

import segno
from django.utils.safestring import SafeString, mark_safe

# Medium error correction survives a folded or smudged notice; the URL is short.
QR_ERROR = "m"


class Sheet(enum.StrEnum):
    """The two sizes; the value is the CSS named page (``@page poster``)."""

    POSTER = "poster"  # A4
    CARD = "card"  # A6


def qr_svg(url: str) -> SafeString:
    """The QR code of ``url`` as inline SVG, sized by CSS.

    Hidden from screen readers: the sheet prints the same address as text
    beside it. The SVG is segno's own output (a single path, no script, no
    style attribute), safe in a page under the Content-Security-Policy.
    """
    qr = segno.make_qr(url, error=QR_ERROR, boost_error=False)
    svg = qr.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        svgclass="sheet__qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" ', 1))  # noqa: S308
