"""The one response for every private file, export and PDF the platform hands out.

Whatever is downloaded (an uploaded attachment, an allocation letter, a report PDF, an XLSX or CSV
export, the intake template), the response carries the same three guarantees:

* ``Content-Disposition`` with a safe name: an ASCII ``filename`` for old clients and the real
  name as RFC 5987 ``filename*`` (UTF-8), never a path or a control character;
* ``X-Content-Type-Options: nosniff``: the browser keeps to the content type we send;
* ``Cache-Control: private, no-store``: no shared cache and no disk cache keeps a copy.

The views check access first; this module only builds the response.
"""

import unicodedata
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

FALLBACK_NAME = "download"
_ASCII_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-()+,")


def _clean_name(filename: str) -> str:
    """The last path part, without control characters; never empty."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name or FALLBACK_NAME


def _ascii_fallback(name: str) -> str:
    """``Overzicht één.pdf`` -> ``Overzicht een.pdf``; what ASCII cannot spell becomes ``_``."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_name = "".join(ch if ch in _ASCII_SAFE else "_" for ch in letters).strip(" .")
    return ascii_name or FALLBACK_NAME


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="een.pdf"; filename*=utf-8''%C3%A9%C3%A9n.pdf`` (or ``inline``)."""
    name = _clean_name(filename)
    header = content_disposition_header(not inline, _ascii_fallback(name))
    return f"{header}; filename*=utf-8''{quote(name, safe='')}"


def private_download(
    content, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """A response for ``content`` (bytes, or an open file that is streamed and closed after)
    that is saved as ``filename`` (or shown, ``inline=True``), with the three headers above."""
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    # The name as saved, for the read log (municipalities.readlog) to say what was downloaded.
    response.download_name = _clean_name(filename)
    return response
