"""Reads of the roadmap that pages and the API share, already filtered by role."""
