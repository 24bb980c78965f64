"""Writes of the roadmap: every change of state goes through one of these services.

- ``rounds``: creating rounds, their milestones, phases and publication;
- ``proposals``: proposals, their links, watchers, comments and concerns;
- ``decisions``: recording decisions (consensus, calls for objections, votes);
- ``votes``: opening votes, ballots, closing and concluding them;
- ``reminders``: reminding organisations that have not voted;
- ``rules``: rule documents and revisions, drafts, a round's freeze and its exceptions.
"""
