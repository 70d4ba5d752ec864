"""QR codes as SVG data URIs, for PDFs that must not fetch anything."""

import base64
import io

import segno

# Medium error correction survives a crease or a smudge on a printed certificate
# while keeping a verification URL at a small version (about 37×37 modules).
ERROR_LEVEL = "m"


def qr_svg_data_uri(text: str) -> str:
    # make_qr, not make: a short text would otherwise become a Micro QR code,
    # which most phone cameras cannot read.
    code = segno.make_qr(text, error=ERROR_LEVEL)
    svg = io.BytesIO()
    code.save(svg, kind="svg", xmldecl=False, svgclass=None, lineclass=None, omitsize=True, dark="#000")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode("ascii")
