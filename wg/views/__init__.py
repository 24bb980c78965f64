"""Pages of the working group: API tokens, members and roles, invitations, organisations,
notification preferences, the mailing-list archive and the outbox."""
