from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional

from models import GroupRole

from ..forms import choices, required

_email = Email(message=_l("Enter an email address like name@example.org."))
ROLE_PAIRS = [(GroupRole.MEMBER.value, _l("Member")), (GroupRole.COORDINATOR.value, _l("Coordinator"))]


class GroupForm(FlaskForm):
    name = StringField(_l("Name of the group"), validators=[required, Length(max=120)])
    description = TextAreaField(_l("Description"), description=_l("Who you are and what you care for. "
                                                                  "Markdown allowed."),
                                validators=[Optional(), Length(max=10000)])
    contact_email = EmailField(_l("Contact email"), description=_l("Shown on the group's public page."),
                               validators=[Optional(), _email, Length(max=254)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email of the person to invite"), validators=[required, _email, Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLE_PAIRS), default=GroupRole.MEMBER.value)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_PAIRS))


class SettingsForm(FlaskForm):
    listings_need_review = BooleanField(_l("The city reviews this group's listings before they are published"))
