import base64
import re

import segno

from echo_hub.lib.qr import qr_svg_data_uri

URL = "https://echo.example.org/verify/q3Vt8kZpL0aXb7_Yc2Nd-Ue5Wf9Gh1Jm/"
PREFIX = "data:image/svg+xml;base64,"
QUIET_ZONE = 4


def _svg(uri: str) -> str:
    return base64.b64decode(uri.removeprefix(PREFIX)).decode()


def _dark_modules(svg: str) -> set[tuple[int, int]]:
    """Replay segno's path: `M`/`m` move to a row, each `h<n>` strokes n modules."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            dark |= {(int(x) + i, int(y)) for i in range(int(first))}
            x += int(first)
    return dark


def _expected_modules(text: str) -> set[tuple[int, int]]:
    matrix = segno.make_qr(text, error="m").matrix
    return {
        (column + QUIET_ZONE, row + QUIET_ZONE)
        for row, values in enumerate(matrix)
        for column, value in enumerate(values)
        if value
    }


def test_qr_svg_data_uri_is_a_base64_svg_with_a_viewbox():
    uri = qr_svg_data_uri(URL)

    svg = _svg(uri)

    assert uri.startswith(PREFIX)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 45 45">')
    assert svg.endswith("</svg>\n")


def test_qr_svg_data_uri_is_deterministic():
    assert qr_svg_data_uri(URL) == qr_svg_data_uri(URL)
    assert qr_svg_data_uri(URL) != qr_svg_data_uri(URL.replace("q3V", "q3W"))


def test_qr_svg_data_uri_draws_segnos_matrix_for_the_text():
    dark = _dark_modules(_svg(qr_svg_data_uri(URL)))

    assert dark == _expected_modules(URL)
    assert len(segno.make_qr(URL, error="m").matrix) == 37


def test_qr_svg_data_uri_makes_a_full_qr_code_for_short_text():
    svg = _svg(qr_svg_data_uri("x"))

    assert 'viewBox="0 0 29 29"' in svg
    assert _dark_modules(svg) == _expected_modules("x")
