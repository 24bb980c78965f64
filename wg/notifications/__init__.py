"""The one way the service tells people things: an outbox of messages sent by Celery.

Every feature notifies through ``notification_enqueue`` (in ``outbox``) with a kind it has
registered (``kinds.kind_register``), an event key, recipients and a template. One row per
(event, recipient) is written in the caller's transaction and sent after commit on the
``control`` queue, honouring each person's preference for the kind (immediately, in the daily
digest, never). See ``sending`` for retries and failures, ``digest`` for the daily digest.
"""

from wg.notifications.kinds import Kind, kind_get, kind_register, kinds_configurable
from wg.notifications.outbox import Recipient, notification_enqueue, recipients_for_people

__all__ = [
    "Kind",
    "Recipient",
    "kind_get",
    "kind_register",
    "kinds_configurable",
    "notification_enqueue",
    "recipients_for_people",
]
