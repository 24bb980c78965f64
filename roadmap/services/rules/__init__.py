"""Writes of the rules, one module per part (import the functions from them):

- ``revisions``: documents, importing a revision, editing one section;
- ``drafts``: draft revisions of accepted rule changes, and publishing them;
- ``freezes``: binding a round to its rules, once;
- ``exceptions``: the exceptions register of a frozen round.

``decisions`` starts a draft when it accepts a rule change, and ``exceptions`` records a
decision with an exception, so this package imports none of its modules itself.
"""
