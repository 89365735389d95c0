"""An upload handler for tests: it writes every uploaded file it sees into FILE_UPLOAD_TEMP_DIR
and leaves it there (Django's own temporary files vanish at the end of the request), so a test
can tell afterwards whether a body was spooled at all. It passes every chunk on unchanged."""
from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


class KeepingSpoolHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept = open(os.path.join(settings.FILE_UPLOAD_TEMP_DIR, f"spooled-{uuid.uuid4().hex}"), "wb")

    def receive_data_chunk(self, raw_data, start):
        self.kept.write(raw_data)
        return raw_data

    def file_complete(self, file_size):
        self.kept.close()
        return None
