"""Forms validate shape only; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from submissions.models.review import ObjectionStatus, ResultChangeKind

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})


class UploadForm(forms.Form):
    package = forms.FileField(help_text="A .tar.gz, .tar or .zip of your organisation folder")


class WindowForm(forms.Form):
    opens_at = forms.DateTimeField(label="Opens (Pacific time)", widget=_WHEN)
    deadline = forms.DateTimeField(label="Deadline (Pacific time)", widget=_WHEN)
    grace_minutes = forms.IntegerField(min_value=0, max_value=24 * 60, initial=60)
    objections_due_at = forms.DateTimeField(
        label="Objections due (Pacific time)",
        required=False,
        widget=_WHEN,
        help_text="Empty: the rules' Friday of review week 1 (7 days after the deadline)",
    )
    hyperparameters_due_at = forms.DateTimeField(
        label="Hyperparameter borrowing declared by (Pacific time)",
        required=False,
        widget=_WHEN,
        help_text="Empty: the rules' Monday of review week 3 (17 days after the deadline)",
    )
    review_ends_at = forms.DateTimeField(label="Review ends (Pacific time)", widget=_WHEN)


class ExtensionForm(forms.Form):
    organization = forms.SlugField()
    until = forms.DateTimeField(label="Until (Pacific time)", widget=_WHEN)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    confirm = forms.CharField(label="Type the round's name to confirm", max_length=20)


class ObjectionForm(forms.Form):
    against = forms.SlugField(widget=forms.HiddenInput)
    path = forms.CharField(
        required=False,
        max_length=1024,
        help_text="File or result, e.g. results/<system>/<benchmark>",
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    fix_required = forms.BooleanField(
        required=False, help_text="Ask that the organisation fix it (the committee decides)"
    )


class OnBehalfForm(forms.Form):
    """Co-sign or withdraw a signature, for one of the user's organisations."""

    organization = forms.SlugField(required=False)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(ObjectionStatus.UPHELD, "Uphold"), (ObjectionStatus.DISMISSED, "Dismiss")]
    )
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    fix_allowed = forms.BooleanField(
        required=False, help_text="When upholding: the organisation may upload a fix"
    )


class AssignmentForm(forms.Form):
    reviewer = forms.SlugField()
    reviewee = forms.SlugField()
    note = forms.CharField(required=False, max_length=300)


class PartnerForm(forms.Form):
    submission = forms.SlugField(help_text="The organisation whose submission is joint")
    partner = forms.SlugField()


class ResultChangeForm(forms.Form):
    organization = forms.SlugField()
    system = forms.CharField(max_length=255)
    benchmark = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=ResultChangeKind.choices)


class BorrowingForm(forms.Form):
    organization = forms.SlugField()
    benchmark = forms.CharField(max_length=100)
    system = forms.CharField(max_length=255, required=False)
    borrowed_from = forms.SlugField()
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class ResultsFilterForm(forms.Form):
    division = forms.ChoiceField(
        required=False, choices=[("", "All"), ("closed", "Closed"), ("open", "Open")]
    )
    category = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All"),
            ("available", "Available"),
            ("preview", "Preview"),
            ("research", "Research"),
        ],
    )
    organization = forms.CharField(required=False)
    sort = forms.CharField(required=False)
