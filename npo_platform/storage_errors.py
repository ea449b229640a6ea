"""Storage failures answered in Dutch instead of the generic 500 page.

* A full, read-only or unavailable media store (``ENOSPC``, ``EDQUOT``, ``EROFS``, ``EIO``, or no
  permission on a path under ``MEDIA_ROOT``): status 507 with "opslag vol of niet beschikbaar; er
  is niets opgeslagen". That is true: the exception left every ``transaction.atomic`` block of
  the write, so the database rolled back, and ``core.storage`` removed the partial file.
* A file under ``MEDIA_ROOT`` that a row points at but that is gone (a restore without media,
  a deleted file): 404 with a page that says the file is missing, never a 500.
"""

import errno
import logging
from pathlib import Path

from django.conf import settings
from django.shortcuts import render

logger = logging.getLogger(__name__)

STORAGE_FULL_OR_READ_ONLY = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}
NO_ACCESS = {errno.EACCES, errno.EPERM}


def _under_media(filename) -> bool:
    if not filename:
        return False
    try:
        return Path(filename).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    except (OSError, ValueError, TypeError):
        return False


class StorageErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OSError):
            return None
        filename = getattr(exception, "filename", None)
        if isinstance(exception, FileNotFoundError) and _under_media(filename):
            logger.warning("file_missing path=%s url=%s", filename, request.path)
            return render(request, "file_missing.html", status=404)
        if exception.errno in STORAGE_FULL_OR_READ_ONLY or (
            exception.errno in NO_ACCESS and _under_media(filename)
        ):
            logger.error(
                "storage_unavailable errno=%s path=%s url=%s",
                errno.errorcode.get(exception.errno, exception.errno),
                filename,
                request.path,
            )
            return render(request, "507.html", status=507)
        return None
