"""Complaint photos, served by Django (never from /media/): they are personal data.

`photo(request, pk)` answers the image to
- staff whose jurisdiction covers the complaint (Attachment.objects.visible_to) and who hold
  `complaints.view_attachment`;
- the resident whose portal session proved the tracking code and phone tail (full access,
  see complaints/portal/views.py), for the photos the resident may see (`is_public`);
- a machine client with a URL signed by the API or Open311 when they showed the record
  (complaints.photos.signed_photo_url, valid PHOTO_URL_SECONDS).
Everyone else gets the same 404 as for a photo that does not exist. Answers are private to
the browser (never kept by a shared cache) and carry `X-Content-Type-Options: nosniff`.
"""
from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .models import Attachment
from .photos import photo_signature_is_valid
from .portal.views import ACCESS_SESSION_KEY, FULL


def _may_see(request, attachment) -> bool:
    token = request.GET.get("t")
    if token:
        return photo_signature_is_valid(attachment.pk, token)
    user = request.user
    if user.is_authenticated and user.has_perm("complaints.view_attachment"):
        if Attachment.objects.visible_to(user).filter(pk=attachment.pk).exists():
            return True
    access = request.session.get(ACCESS_SESSION_KEY, {})
    return attachment.is_public and access.get(attachment.complaint.tracking_code) == FULL


@require_GET
def photo(request, pk: int):
    attachment = Attachment.objects.select_related("complaint").filter(pk=pk).first()
    if attachment is None or not _may_see(request, attachment):
        raise Http404
    try:
        handle = attachment.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(attachment.image.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = "inline"
    return response
