"""Read a printed sheet's QR code back the way a phone would: from pixels.

The code is screenshot as the browser draws it and decoded by ZXing, so a
test sees what a scanning phone sees: the address the code leads to, or
nothing if the drawing cannot be read.
"""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from playwright.sync_api import Page


def scanned_qr(page: Page) -> list[str]:
    """The texts of every QR code read from a screenshot of the sheet's code."""
    code = page.locator("svg.sheet__qr")
    assert code.count() == 1, f"{page.url}: {code.count()} QR codes on the sheet"
    png = code.screenshot(animations="disabled")
    with Image.open(io.BytesIO(png)) as image:
        grey = image.convert("L")
    # Read as it is drawn: no inverted search, only QR codes.
    found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return [barcode.text for barcode in found if barcode.valid]
