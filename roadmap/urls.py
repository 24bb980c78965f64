from django.urls import path

from roadmap.views import catalogue, decisions, proposals, rounds, votes

app_name = "roadmap"

urlpatterns = [
    path("roadmap/", catalogue.roadmap_home, name="home"),
    path("roadmap/benchmarks/", catalogue.suite, name="suite"),
    path("roadmap/benchmarks/<slug:slug>/", catalogue.benchmark_detail, name="benchmark-detail"),
    path("roadmap/compare/", catalogue.round_compare, name="round-compare"),
    path("roadmap/rounds/", rounds.round_list, name="round-list"),
    path("roadmap/rounds/new/", rounds.round_create, name="round-create"),
    path("roadmap/rounds/<str:name>/", rounds.round_detail, name="round-detail"),
    path("roadmap/rounds/<str:name>/transition/", rounds.round_transition, name="round-transition"),
    path(
        "roadmap/rounds/<str:name>/milestones/<int:pk>/",
        rounds.milestone_edit,
        name="milestone-edit",
    ),
    path("roadmap/proposals/", proposals.proposal_list, name="proposal-list"),
    path("roadmap/proposals/new/", proposals.proposal_create, name="proposal-create"),
    path("roadmap/proposals/<int:pk>/", proposals.proposal_detail, name="proposal-detail"),
    path("roadmap/proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal-edit"),
    path(
        "roadmap/proposals/<int:pk>/transition/",
        proposals.proposal_transition,
        name="proposal-transition",
    ),
    path("roadmap/proposals/<int:pk>/decide/", proposals.proposal_decide, name="proposal-decide"),
    path("roadmap/proposals/<int:pk>/votes/", proposals.vote_create, name="vote-create"),
    path("roadmap/proposals/<int:pk>/links/", proposals.link_create, name="link-create"),
    path("roadmap/proposals/<int:pk>/watch/", proposals.proposal_watch, name="proposal-watch"),
    path("roadmap/proposals/<int:pk>/comments/", proposals.comment_create, name="comment-create"),
    path("roadmap/proposals/<int:pk>/concerns/", proposals.concern_create, name="concern-create"),
    path("roadmap/concerns/<int:pk>/resolve/", proposals.concern_resolve, name="concern-resolve"),
    path("roadmap/votes/<int:pk>/", votes.vote_detail, name="vote-detail"),
    path("roadmap/votes/<int:pk>/ballot/", votes.ballot_create, name="ballot-create"),
    path("roadmap/votes/<int:pk>/close/", votes.vote_close, name="vote-close"),
    path("roadmap/votes/<int:pk>/conclude/", votes.vote_conclude, name="vote-conclude"),
    path("roadmap/votes/<int:pk>/cancel/", votes.vote_cancel, name="vote-cancel"),
    path("roadmap/votes/<int:pk>/tally.yaml", votes.vote_tally_file, name="vote-tally-file"),
    path("roadmap/decisions/", decisions.decision_index, name="decision-list"),
    path("roadmap/decisions/<str:reference>/", decisions.decision_detail, name="decision-detail"),
]
