"""The machine-readable marks of a waybill label: a Code 128 barcode and a QR code of the
waybill number, both as inline SVG (no image files, no PIL; the CSP allows inline SVG).

``python-barcode`` draws the Code 128 symbol (the 12-digit numbers use its compact code set C),
``segno`` the QR code. The human-readable number is printed by the template under the bars."""

import io
import re

import segno
from django.utils.safestring import SafeString, mark_safe

# The prolog (XML declaration, DOCTYPE, generator comment) is not allowed inside HTML.
_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# 0.33 mm modules and 15 mm bars: a 12-digit number is about 40 mm wide, scannable from a
# thermal label; the number itself is printed in text by the template.
CODE128_OPTIONS = {
    "module_width": 0.33,
    "module_height": 15.0,
    "quiet_zone": 3.0,
    "write_text": False,
}


def code128_svg(value: str) -> SafeString:
    """The Code 128 barcode of ``value`` as an inline ``<svg>`` element."""
    # Imported here: python-barcode logs "Pillow not found" at import, at INFO, which every
    # manage.py command would print (the admin imports this module).
    import barcode
    from barcode.writer import SVGWriter

    buffer = io.BytesIO()
    barcode.Code128(value, writer=SVGWriter()).write(buffer, options=CODE128_OPTIONS)
    svg = _COMMENT.sub("", _PROLOG.sub("", buffer.getvalue().decode("utf-8"), count=1))
    svg = svg.replace("<svg ", '<svg class="code128" role="img" ', 1)
    return mark_safe(svg)  # noqa: S308 - drawn by the library from digits only


def qr_svg(value: str, *, scale: int = 3) -> SafeString:
    """The QR code of ``value`` (error correction M) as an inline ``<svg>`` element."""
    svg = segno.make(value, error="m").svg_inline(scale=scale, svgclass="qr", omitsize=False)
    return mark_safe(svg)  # noqa: S308 - drawn by the library


def label_marks(waybill_number: str) -> dict[str, SafeString]:
    return {"code128": code128_svg(waybill_number), "qr": qr_svg(waybill_number)}
