"""Flask-WTF forms (each carries `csrf_token`)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Regexp

from webapp.site.i18n import AGE_LABELS, GENDER_LABELS, OCCUPATION_LABELS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class RegisterForm(FlaskForm):
    """A new account: credentials and the three demographic fields the model knows."""

    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=40),
        Regexp(r"^[\w.-]+$", message=_l("Use letters, digits, '.', '-' or '_' only."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS), validators=[InputRequired()])
    age = SelectField(_l("Age"), coerce=int, choices=_choices(AGE_LABELS), validators=[InputRequired()])
    occupation = SelectField(_l("Occupation"), coerce=int, choices=_choices(OCCUPATION_LABELS),
                             validators=[InputRequired()])
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    """Sign in with username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    submit = SubmitField(_l("Sign in"))


class RatingForm(FlaskForm):
    """Rate a movie 1-5, or remove the rating with the `delete` button."""

    stars = IntegerField(_l("Your rating"), validators=[InputRequired(), NumberRange(min=1, max=5)])
    submit = SubmitField(_l("Save rating"))
    delete = SubmitField(_l("Remove rating"))


class ConfirmForm(FlaskForm):
    """A bare form whose only field is the CSRF token: sign-out and onboarding use it."""
