from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from meetings.models import Resource
from wg.permissions import can_view_resource


@require_GET
def resource_file(request: HttpRequest, slug: str) -> FileResponse:
    """A resource's file, for those who may see the resource (media files are never served
    directly)."""
    resource = get_object_or_404(Resource.objects.select_related("round"), slug=slug)
    if not resource.file or not can_view_resource(request.user, resource):
        raise Http404("No such file")
    return FileResponse(resource.file.open("rb"), as_attachment=True)
