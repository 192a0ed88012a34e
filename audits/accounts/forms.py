from django import forms


class SecondFactorForm(forms.Form):
    otp_token = forms.CharField(
        label="Authentication code",
        max_length=64,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
