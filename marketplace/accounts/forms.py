from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms import locale_field
from .services import MIN_PASSWORD_LENGTH

_required = DataRequired(message=_l("This field is required."))
_email = Email(message=_l("Enter an email address like name@example.org."))

def _strip(value):
    return value.strip() if isinstance(value, str) else value


_long_enough = Length(min=MIN_PASSWORD_LENGTH, message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


class RegisterForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[_strip], validators=[_required, _email, Length(max=254)])
    display_name = StringField(_l("Name to show"), filters=[_strip], validators=[_required, Length(max=80)])
    password = PasswordField(_l("Password"), validators=[_required, _long_enough],
                             description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[_required, EqualTo("password", message=_l("The passwords do not match."))])
    locale = locale_field()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[_strip], validators=[_required, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name to show"), filters=[_strip], validators=[_required, Length(max=80)])
    locale = locale_field()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[_required])
    new_password = PasswordField(_l("New password"), validators=[_required, _long_enough],
                                 description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[_required, EqualTo("new_password", message=_l("The passwords do not match."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[_strip], validators=[_required, _email, Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[_required, _long_enough],
                             description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[_required, EqualTo("password", message=_l("The passwords do not match."))])
