"""The REST API root: one router per app, OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from django.conf import settings
from ninja import NinjaAPI
from ninja.errors import ValidationError

from core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from portal.api import router as portal_router
from roadmap.api import router as roadmap_router
from roadmap.api import rules_router
from submissions.api import router as submissions_router
from wg.api import router as wg_router

api = NinjaAPI(
    title="MLPerf Training working group",
    version="1",
    description="Everything the pages show, for scripts and CI. Authenticate with "
    "`Authorization: Bearer <token>` (create a token in your profile) or the browser session.",
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def _invalid(request, exc):  # type: ignore[no-untyped-def]
    if getattr(request, "upload_too_large", False):
        # The upload handler dropped the file past the cap, so it looks "missing"; say why.
        limit = settings.SUBMISSION_MAX_UPLOAD_BYTES
        detail = f"The package is larger than the limit of {limit:,} bytes; nothing was stored."
        return api.create_response(request, {"detail": detail}, status=413)
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(NotFound)
def _not_found(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc)}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(InvalidTransition)
def _conflict(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(DomainError)
def _refused(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc)}, status=400)


api.add_router("/wg/", portal_router)
api.add_router("/wg/", wg_router)
api.add_router("/roadmap/", roadmap_router)
api.add_router("/", rules_router)  # /api/rules/… and /api/rounds/{name}/rules…
api.add_router("/", submissions_router)
