"""Forms of the rules pages. They check shape only; the rules services decide what is allowed
(a frozen round, an unknown section, a decision that is not accepted, …)."""

from __future__ import annotations

from typing import Any

from django import forms

from roadmap.models import Benchmark, Round
from roadmap.rulesets import known_rulesets
from roadmap.selectors.round_rules import RoundRules
from wg.models import Person

_DATE = {"type": "date"}


class UploadForm(forms.Form):
    document = forms.SlugField(
        max_length=50, help_text="The document's short name: training, submission, …"
    )
    file = forms.FileField(help_text="The AsciiDoc file (UTF-8 text)")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="What this revision changes"
    )
    date = forms.DateField(
        required=False, widget=forms.DateInput(attrs=_DATE), help_text="The text's date"
    )
    decision = forms.CharField(
        required=False, max_length=20, help_text="The decision behind it, e.g. D-2026-004"
    )
    members_only = forms.BooleanField(
        required=False, help_text="A new document is readable by members only (else by anyone)"
    )


class SectionEditForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        strip=False,
        help_text="The section's AsciiDoc, its heading included",
    )
    message = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="What changes and why"
    )
    decision = forms.CharField(required=False, max_length=20, help_text="E.g. D-2026-004")


class DraftUploadForm(forms.Form):
    file = forms.FileField(help_text="The whole document, written on the latest revision")
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentSettingsForm(forms.Form):
    public = forms.BooleanField(required=False)


class FreezeForm(forms.Form):
    """The ruleset and, per document, the revision to freeze (its latest by default)."""

    ruleset = forms.ChoiceField(help_text="The mlperf-logging ruleset that checks submissions")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, round: Round, rules: RoundRules, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rulesets = sorted(known_rulesets(), key=lambda r: tuple(map(int, r.split("."))))
        self.fields["ruleset"].choices = [(r, r) for r in reversed(rulesets)]
        self.fields["ruleset"].initial = round.ruleset
        self.documents = []
        for frozen in rules.documents:
            document = frozen.document
            numbers = list(
                document.revisions.filter(status="published")
                .order_by("-number")
                .values_list("number", "date")
            )
            name = f"revision_{document.slug}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{document} ({document.slug})",
                choices=[(n, f"revision {n} of {d:%Y-%m-%d}") for n, d in numbers],
                coerce=int,
                empty_value=None,
                required=False,  # its latest revision
                initial=numbers[0][0] if numbers else None,
            )
            self.documents.append((document.slug, name))

    def revisions(self) -> dict[str, int]:
        chosen = {slug: self.cleaned_data.get(name) for slug, name in self.documents}
        return {slug: number for slug, number in chosen.items() if number is not None}


class ExceptionForm(forms.Form):
    section = forms.ChoiceField(help_text="The section of the frozen rules it changes")
    benchmark = forms.ModelChoiceField(
        queryset=Benchmark.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="Every benchmark",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), help_text="What applies instead (Markdown)"
    )
    later_revision = forms.IntegerField(
        required=False, min_value=1, help_text="A later revision whose text of it applies"
    )
    requested_by = forms.ModelChoiceField(
        queryset=Person.objects.order_by("full_name"), to_field_name="slug", label="Asked by"
    )
    requested_on = forms.DateField(required=False, widget=forms.DateInput(attrs=_DATE))
    decision = forms.CharField(
        required=False, max_length=20, help_text="The decision that granted it, e.g. D-2026-004"
    )
    decision_text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Or record the decision now: what was decided, where and why",
    )

    def __init__(self, *args: Any, round: Round, rules: RoundRules, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [
            (
                str(frozen.document),
                [
                    (f"{frozen.document.slug}:{s.section.anchor}", s.section.heading)
                    for s in frozen.sections
                ],
            )
            for frozen in rules.documents
        ]
        self.fields["benchmark"].queryset = Benchmark.objects.filter(
            versions__round=round
        ).order_by("slug")

    def clean_section(self) -> tuple[str, str]:
        slug, _, anchor = self.cleaned_data["section"].partition(":")
        return slug, anchor
