"""The file storage for uploads and reports: Django's FileSystemStorage that leaves nothing
behind when a write fails.

Django writes an upload chunk by chunk straight into its final name; when the disk fills up or
turns read-only halfway, the partial file stays and no row points at it. Here the partial file is
removed and the error raised again (the request's transaction rolls back; the storage-error
middleware tells the user that nothing was saved).
"""

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class CleanFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                # Never written, or the disk refuses even that: the first error is the one to see.
                with contextlib.suppress(OSError):
                    os.remove(full_path)
            raise
