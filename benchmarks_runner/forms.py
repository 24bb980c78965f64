"""Forms check the shape of what a page posts; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from benchmarks_runner import catalogue
from benchmarks_runner.models import HostMode
from benchmarks_runner.services.runs import MAX_ATTEMPTS, MAX_RUNS_PER_REQUEST


class RunForm(forms.Form):
    benchmark = forms.ChoiceField()
    hardware_class = forms.SlugField(max_length=40, initial="cpu", required=False)
    host = forms.SlugField(max_length=63, required=False, help_text="A named runner (optional)")
    wall_clock_limit_s = forms.IntegerField(
        min_value=1, required=False, label="Wall-clock limit (s)"
    )
    max_attempts = forms.IntegerField(min_value=1, max_value=MAX_ATTEMPTS, initial=2)
    seed = forms.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, help_text="Empty: a fresh seed per run"
    )
    count = forms.IntegerField(min_value=1, max_value=MAX_RUNS_PER_REQUEST, initial=1, label="Runs")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["benchmark"].choices = [
            (spec.slug, spec.name)
            for spec in catalogue.runnable_benchmarks().values()
            if spec.ruleset != catalogue.ROUND_RULESET
        ]


class ModeForm(forms.Form):
    mode = forms.ChoiceField(choices=HostMode.choices)
