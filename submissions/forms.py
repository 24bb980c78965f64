"""Forms validate shape only; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from submissions.models.review import ObjectionStatus


class UploadForm(forms.Form):
    package = forms.FileField(help_text="A .tar.gz, .tar or .zip of your organisation folder")


class WindowForm(forms.Form):
    opens_at = forms.DateTimeField(
        label="Opens (Pacific time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    deadline = forms.DateTimeField(
        label="Deadline (Pacific time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    grace_minutes = forms.IntegerField(min_value=0, max_value=24 * 60, initial=60)
    review_ends_at = forms.DateTimeField(
        label="Review ends (Pacific time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ExtensionForm(forms.Form):
    organization = forms.SlugField()
    until = forms.DateTimeField(
        label="Until (Pacific time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    against = forms.SlugField(widget=forms.HiddenInput)
    path = forms.CharField(
        required=False,
        max_length=1024,
        help_text="File or result, e.g. results/<system>/<benchmark>",
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    fix_required = forms.BooleanField(
        required=False, help_text="Ask that the organisation fix it (the chairs decide)"
    )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(ObjectionStatus.UPHELD, "Uphold"), (ObjectionStatus.DISMISSED, "Dismiss")]
    )
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    fix_allowed = forms.BooleanField(
        required=False, help_text="When upholding: the organisation may upload a fix"
    )


class ResultsFilterForm(forms.Form):
    division = forms.ChoiceField(
        required=False, choices=[("", "All"), ("closed", "Closed"), ("open", "Open")]
    )
    availability = forms.CharField(required=False)
    organization = forms.CharField(required=False)
    sort = forms.CharField(required=False)
