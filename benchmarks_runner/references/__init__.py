"""The small reference benchmarks shipped with the service, and their compliance rules.

Each module here is a program (``python -m benchmarks_runner.references.<name>``) that trains a
real model on one CPU core until it reaches a fixed quality target, logging with the official
``mllog`` logger. ``rules/reference_1.0.0`` is the project's own ruleset for their logs, in the
official checker's YAML format.
"""
