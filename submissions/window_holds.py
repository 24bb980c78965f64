"""The submission window's hold on a round's submission date (see ``roadmap.schedule_holds``).

Once the window has opened, organisations work to its deadline and packages may be in; the
date moves only with the window, on the round's manage page. A window planned but not yet
open must agree with the new date first, so the roadmap and the window never disagree.
"""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse

from core.timezones import format_wg_time, to_wg_time
from roadmap.models import Round
from roadmap.schedule_holds import hold_register
from submissions.models import SubmissionWindow
from submissions.phases import Phase, window_state


def window_hold(round_: Round, submission_date: date, now: datetime) -> str | None:
    window = SubmissionWindow.objects.filter(round=round_).select_related("round").first()
    if window is None:
        return None
    manage = reverse("submissions:round-manage", args=[round_.name])
    phase = window_state(window, organization_id=None, now=now).phase
    if phase != Phase.NOT_OPEN:
        state = "is open" if phase in (Phase.OPEN, Phase.GRACE, Phase.EXTENDED) else "has closed"
        return (
            f"The submission window of {round_.name} {state} (it opened at "
            f"{format_wg_time(window.opens_at)}); its dates can only be changed on the round's "
            f"manage page ({manage}) instead."
        )
    deadline = to_wg_time(window.deadline).date()
    if deadline != submission_date:
        return (
            f"The submission window of {round_.name} is planned with its deadline on "
            f"{deadline.isoformat()}; change the window on the round's manage page ({manage}) "
            f"first, to a deadline on {submission_date.isoformat()}."
        )
    return None


hold_register("submissions.window", window_hold)
