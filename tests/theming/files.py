"""Small files for the theme tests, made in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (163, 18, 42)).save(buffer, format=kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png(name: str = "logo.png", size=(40, 20)):
    return upload(name, image_bytes("PNG", size), "image/png")


def jpeg(name: str = "logo.jpg"):
    return upload(name, image_bytes("JPEG"), "image/jpeg")


def token_file(css: str, name: str = "huisstijl.css"):
    return upload(name, css.encode(), "text/css")


SVG_WITH_TRICKS = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 100 40" onload="alert(1)">
  <title>Gemeente Voorbeeld</title>
  <script>alert(document.cookie)</script>
  <foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject>
  <rect x="0" y="0" width="100" height="40" fill="url(#verloop)" onclick="steal()"/>
  <path d="M0 0L10 10" style="fill:url(https://evil.example/x)" fill="url(https://evil.example/y)"/>
  <use xlink:href="https://evil.example/sprite.svg#logo"/>
  <use href="#intern"/>
  <a href="javascript:alert(1)"><circle cx="5" cy="5" r="4"/></a>
</svg>
"""


SVG_LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40">
  <rect x="0" y="0" width="40" height="40" fill="#a3122a"/>
  <text x="48" y="26" font-family="Noto Sans" font-size="14">Logo</text>
</svg>"""


def svg(name: str = "logo.svg", content: bytes = SVG_LOGO):
    return upload(name, content, "image/svg+xml")
