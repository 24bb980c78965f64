"""Forms validate shape only; the services decide what is allowed. Times are entered in US
Pacific time (views activate that zone while the forms parse)."""

from __future__ import annotations

from django import forms

from roadmap.models import (
    ACTIVE_ROUND_STATUSES,
    Benchmark,
    DecisionOutcome,
    ElectorateKind,
    ProposalKind,
    Round,
    RuleDocument,
    TieBreak,
    VoteMethod,
)
from roadmap.rulesets import known_rulesets
from wg.models import Person

_LOCAL = {"type": "datetime-local"}


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ProposalKind.choices)
    target_round = forms.ModelChoiceField(
        queryset=Round.objects.filter(status__in=ACTIVE_ROUND_STATUSES).order_by("-name"),
        required=False,
        to_field_name="name",
        empty_label="No particular round",
    )
    benchmark = forms.ModelChoiceField(
        queryset=Benchmark.objects.order_by("slug"),
        required=False,
        to_field_name="slug",
        help_text="The benchmark it retires or changes (a new one may not be listed yet)",
    )
    person_in_charge = forms.ModelChoiceField(
        queryset=Person.objects.order_by("full_name"), required=False, to_field_name="slug"
    )
    rule_document = forms.ModelChoiceField(
        queryset=RuleDocument.objects.order_by("slug"),
        required=False,
        to_field_name="slug",
        empty_label="None",
        help_text="For a rule change: the document it changes (acceptance starts its draft)",
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown: what changes, why, and what it costs submitters",
    )


class ProposalCreateForm(ProposalForm):
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="GitHub pull requests or issues, one address per line",
    )

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class LinkForm(forms.Form):
    url = forms.CharField(max_length=500, label="Address")
    title = forms.CharField(max_length=200, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment (Markdown)")


class ConcernForm(forms.Form):
    title = forms.CharField(max_length=200, label="Concern, in a few words")
    body = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Details (Markdown)"
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(required=False, max_length=2000)
    reopen = forms.BooleanField(required=False)


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=30)
    reason = forms.CharField(required=False, max_length=2000)
    scheduled_for = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Meeting"
    )
    objections_close_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs=_LOCAL), label="Objections close (Pacific)"
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Decision (Markdown)")
    meeting_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Meeting"
    )
    superseded_by = forms.IntegerField(required=False, label="Superseded by proposal number")


class VoteForm(forms.Form):
    method = forms.ChoiceField(choices=VoteMethod.choices)
    options = forms.CharField(
        initial="yes, no",
        help_text="Comma-separated. Two options: the first accepts. Condorcet: the last is no "
        "change.",
    )
    closes_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs=_LOCAL), label="Closes (Pacific)"
    )
    electorate = forms.ChoiceField(choices=ElectorateKind.choices)
    quorum = forms.DecimalField(
        required=False, min_value=0, max_value=1, decimal_places=3, help_text="E.g. 0.5"
    )

    def clean_options(self) -> list[str]:
        return [o.strip() for o in self.cleaned_data["options"].split(",") if o.strip()]


class BallotForm(forms.Form):
    """A choice (two options) or a ranking (Condorcet: ``rank`` repeated, best first)."""

    choice = forms.CharField(required=False, max_length=100)
    recuse = forms.BooleanField(required=False)
    organization = forms.SlugField(required=False)


class ConcludeForm(forms.Form):
    tie_break = forms.ChoiceField(choices=[("", "—"), *TieBreak.choices], required=False)
    outcome = forms.CharField(required=False, max_length=100)
    seed = forms.IntegerField(required=False, min_value=0)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=2000)


class RoundForm(forms.Form):
    name = forms.RegexField(regex=r"^v\d+\.\d+$", max_length=20, help_text="E.g. v7.0")
    ruleset = forms.ChoiceField(choices=())
    submission_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    publication_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["ruleset"].choices = [(r, r) for r in sorted(known_rulesets(), reverse=True)]


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs=_LOCAL), label="Due (Pacific)")
    owner = forms.CharField(max_length=100)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RoundTransitionForm(forms.Form):
    to = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, max_length=2000)


class RoundRescheduleForm(forms.Form):
    submission_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="New submission date"
    )
    publication_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty keeps the current one",
    )
    reason = forms.CharField(
        max_length=2000, help_text="E.g. the decision that accepted the schedule change"
    )

    @classmethod
    def for_round(cls, round_: Round) -> RoundRescheduleForm:
        """The empty form on the round's page (its ids apart from the phase form's)."""
        return cls(
            auto_id="reschedule_%s",
            initial={
                "submission_date": round_.submission_date,
                "publication_date": round_.publication_date,
            },
        )
