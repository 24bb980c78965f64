"""Forms of the working group's pages. They check shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.urls import reverse

from wg.models import Delivery, Organization, Role
from wg.notifications import Recipient, notification_enqueue
from wg.notifications.kinds import PASSWORD_RESET

DATE = forms.DateInput(attrs={"type": "date"})


class InvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Name")
    email = forms.EmailField(label="Email")
    organization = forms.ModelChoiceField(
        Organization.objects.order_by("name"), required=False, to_field_name="slug"
    )
    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    round_name = forms.CharField(max_length=20, required=False, label="Round (for a review chair)")
    role_end = forms.DateField(required=False, widget=DATE, label="Roles end on (optional)")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="A note in the email"
    )
    person = forms.CharField(required=False, widget=forms.HiddenInput)


class AcceptForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Your name")
    password1 = forms.CharField(widget=forms.PasswordInput, label="Choose a password")
    password2 = forms.CharField(widget=forms.PasswordInput, label="The password again")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError("The two passwords differ.")
        return data


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    organization = forms.ModelChoiceField(
        Organization.objects.order_by("name"), required=False, to_field_name="slug"
    )
    round_name = forms.CharField(max_length=20, required=False, label="Round (review chair)")
    start = forms.DateField(required=False, widget=DATE)
    end = forms.DateField(required=False, widget=DATE)
    note = forms.CharField(max_length=200, required=False)


class RoleEndForm(forms.Form):
    end = forms.DateField(required=False, widget=DATE, label="Ends on (today if empty)")
    reason = forms.CharField(max_length=500, required=False)


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=200)
    parent = forms.ModelChoiceField(
        Organization.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        help_text="Affiliates vote with their parent organisation.",
    )
    website = forms.URLField(required=False, assume_scheme="https")


class AnnouncementForm(forms.Form):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), label="Text")


def preferences_form(kinds: list[Any], initial: dict[str, str], data: Any = None) -> forms.Form:
    fields = {
        k.code: forms.ChoiceField(
            label=k.label,
            choices=Delivery.choices,
            widget=forms.RadioSelect,
            help_text=k.description,
        )
        for k in kinds
    }
    form_class = type("PreferencesForm", (forms.Form,), fields)
    return form_class(data=data, initial=initial)


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email sent through the outbox (retried, recorded,
    its link erased once sent) instead of directly from the web request."""

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        subject = loader.render_to_string(subject_template_name, context)
        notification_enqueue(
            kind=PASSWORD_RESET.code,
            event_key=f"{PASSWORD_RESET.code}:{context['uid']}:{context['token']}",
            recipients=[Recipient(email=to_email)],
            subject=subject,
            template=email_template_name,
            context={"username": context["user"].get_username()},
            url=path,
            sensitive=True,
        )
