"""Printed links: absolute addresses on the public host, and their QR codes as inline SVG."""

import re

import qrcode
import qrcode.image.svg
from flask import current_app, request, url_for
from markupsafe import Markup, escape

_SIZE = re.compile(r' (width|height)="[^"]*"')


def public_url(endpoint: str, **values: object) -> str:
    """An absolute URL for print: under VOTING_PUBLIC_URL when set, else this request's host."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def qr_svg(data: str, label: str = "") -> Markup:
    """A QR code as an inline SVG element: paths only, no script, no style; CSS sizes it."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # Our own output for our own URL: drop any XML declaration and the fixed size to inline it.
    svg = _SIZE.sub("", svg[svg.index("<svg") :], count=2).replace(' id="qr-path"', "")
    svg = svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)
