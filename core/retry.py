"""Which errors are the infrastructure's: a task meeting one is retried with backoff.

Only task modules import this (it pulls in the Redis client, which web requests and management
commands need not pay for).
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,  # database unreachable, connection dropped, SQLite busy
    InterfaceError,  # a connection that was closed under us
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,  # resets, refusals, broken pipes
    TimeoutError,
)
"""Errors that say nothing about the work itself: the task is retried, never failed for them."""
