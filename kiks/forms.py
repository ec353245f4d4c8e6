from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's log-in form, with the username's length checked before anyone authenticates:
    Django sets the field's max_length after the field is built, so no validator enforces it,
    and a megabyte-long username reached django-axes, whose attempt log holds 255 characters
    (a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
