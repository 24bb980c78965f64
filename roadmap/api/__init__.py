"""The roadmap's REST API, mounted at ``/api/roadmap/``: the same selectors and services as
the pages, so a refusal on a page is the same refusal here (404, 403, 409 or 400 with why).

The rules have their own paths, mounted at the API's root: ``/api/rules/…`` and a round's
``/api/rounds/{name}/rules…`` (``rules_router``)."""

from ninja import Router

from roadmap.api.proposals import router as proposals_router
from roadmap.api.round_rules import router as round_rules_router
from roadmap.api.rounds import router as rounds_router
from roadmap.api.rules import router as documents_router
from roadmap.api.votes import router as votes_router

router = Router()
router.add_router("", rounds_router)
router.add_router("", proposals_router)
router.add_router("", votes_router)

rules_router = Router()
rules_router.add_router("", documents_router)
rules_router.add_router("", round_rules_router)
