"""QR codes for authenticator enrolment, drawn on the server.

The ``otpauth://`` URL carries the TOTP secret, so it must never reach a third-party QR
service; the SVG is produced here and embedded in the page (no inline script or style needed).
"""

from __future__ import annotations

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=8,
        border=2,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :] if "<svg" in svg else svg


def manual_entry_key(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an app without a camera."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
