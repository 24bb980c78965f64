"""The REST API root: one router per app, OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from benchmarks_runner.api import router as runner_router
from core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from portal.api import router as portal_router
from roadmap.api import router as roadmap_router
from roadmap.api import rules_router
from submissions.api import router as submissions_router
from submissions.api_review import router as review_router
from submissions.storage import UploadTooLarge
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
    refusal = getattr(request, "upload_refused", None)
    if refusal:
        # The upload handler dropped the file (too large, over the quota, or not this caller's
        # organisation), so it looks "missing"; say why.
        status, detail = refusal
        return api.create_response(request, {"detail": detail}, status=status)
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


@api.exception_handler(UploadTooLarge)
def _too_large(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc)}, status=413)


@api.exception_handler(DomainError)
def _refused(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": str(exc)}, status=400)


api.add_router("/wg/", portal_router)
api.add_router("/wg/", wg_router)
api.add_router("/roadmap/", roadmap_router)
api.add_router("/", rules_router)  # /api/rules/… and /api/rounds/{name}/rules…
api.add_router("/", submissions_router)
api.add_router("/", review_router)
api.add_router("/", runner_router)
