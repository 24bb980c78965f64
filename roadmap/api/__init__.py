"""The roadmap's REST API, mounted at ``/api/roadmap/``: the same selectors and services as
the pages, so a refusal on a page is the same refusal here (404, 403, 409 or 400 with why)."""

from ninja import Router

from roadmap.api.proposals import router as proposals_router
from roadmap.api.rounds import router as rounds_router
from roadmap.api.votes import router as votes_router

router = Router()
router.add_router("", rounds_router)
router.add_router("", proposals_router)
router.add_router("", votes_router)
