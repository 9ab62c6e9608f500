"""Accounts: register, onboarding, sign in/out, language choice, and their forms."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import Field, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from webapp.extensions import db, limiter, login_manager
from webapp.models import User
from webapp.services.accounts import end_sessions
from webapp.services.cards import ask_for_missing_info, load_movies
from webapp.services.folding import display_username, username_key, username_problem
from webapp.services.ratings import parse_stars, rating_count, ratings_of, save_ratings
from webapp.services.recommender import get_recommender
from webapp.site.i18n import AGE_LABELS, GENDER_LABELS, LANGUAGE_COOKIE, OCCUPATION_LABELS
from webapp.site.ids import parse_id
from webapp.site.security import safe_next

bp = Blueprint("accounts", __name__)

# A dummy hash to compare against when the username is unknown, so both cases take the same time.
_UNKNOWN_USER_HASH = generate_password_hash("movrec-unknown-user")
ONBOARDING_MOVIES = 30


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _int_or_none(value) -> int | None:
    """A select's value as an int; the empty "choose" option is None."""
    return None if value in ("", None) else int(value)


def _usable_username(_form, field: Field) -> None:
    """A name of letters (one script), digits and "._-": nothing that can pass for another account's name."""
    problem = username_problem(field.data)
    if problem == "characters":
        raise ValidationError(_("Use letters, digits, '.', '-' or '_' only."))
    if problem == "scripts":
        raise ValidationError(_("Use letters of one alphabet only."))


class RegisterForm(FlaskForm):
    """A new account: credentials and the three demographic fields the model knows."""

    username = StringField(_l("Username"), filters=[lambda name: display_username(name) if name else name],
                           validators=[DataRequired(), Length(min=3, max=40), _usable_username])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS), validators=[InputRequired()])
    # No age is chosen until the visitor picks one: the first option asks for it and is not an answer.
    age = SelectField(_l("Age"), coerce=_int_or_none, choices=[SelectChoice("", _l("Choose your age")),
                                                             *_choices(AGE_LABELS)],
                      validators=[InputRequired(message=_l("Choose your age."))])
    occupation = SelectField(_l("Occupation"), coerce=int, choices=_choices(OCCUPATION_LABELS),
                             validators=[InputRequired()])
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    """Sign in with username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    submit = SubmitField(_l("Sign in"))


class ConfirmForm(FlaskForm):
    """A bare form whose only field is the CSRF token: sign-out and onboarding use it."""


# Built once: on every signed-in request, this costs about a quarter less than `db.session.get(User, id)`.
_USER = select(User).where(User.id == bindparam("id"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the account of the session's `<id>-<version>` (`User.get_id`), while that is the
    account's session version; a session from before a sign-out signs nobody in."""
    user_id, _, version = session_id.partition("-")
    user = db.session.execute(_USER, {"id": parse_id(user_id) or 0}).scalar_one_or_none()
    return user if user is not None and str(user.session_version) == version else None


def sign_in(user: User) -> None:
    """Sign `user` in with a fresh CSRF token (the one of the signed-out visitor is not carried over)."""
    session.pop("csrf_token", None)
    login_user(user)


def _account_key() -> str:
    return "account:" + username_key(request.form.get("username", ""))


def _failed(response) -> bool:
    # A successful sign-in redirects; only failures count towards the limits.
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
def register():
    """Create an account, sign it in, and continue to onboarding; submissions are rate limited per IP."""
    form = RegisterForm()
    if form.validate_on_submit():
        username = form.username.data
        taken = db.session.scalar(select(User.id).where(User.username_key == username_key(username)))
        if taken is None:
            user = User(username=username, password_hash=generate_password_hash(form.password.data),
                        gender=form.gender.data, age=form.age.data, occupation=form.occupation.data)
            db.session.add(user)
            try:
                db.session.commit()
            except IntegrityError:  # lost a race for the same name: the unique key decided
                db.session.rollback()
            else:
                sign_in(user)
                return redirect(url_for("accounts.welcome"))
        form.username.errors.append(_("This username is taken."))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], deduct_when=_failed,
               key_func=_account_key)
def login():
    """Sign in; failed attempts are rate limited per IP address and per account."""
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username_key == username_key(form.username.data)))
        password_ok = check_password_hash(user.password_hash if user else _UNKNOWN_USER_HASH, form.password.data)
        if user is not None and password_ok:
            sign_in(user)
            return redirect(safe_next(url_for("catalog.home")))
        form.password.errors.append(_("Wrong username or password."))
    return render_template("accounts/login.html", form=form, next=safe_next(""))


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks for confirmation; POST (with CSRF token) signs out."""
    form = ConfirmForm()
    if not current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    if form.validate_on_submit():
        end_sessions(current_user.id)  # every session of the account, copies of the cookie included
        logout_user()
        session.pop("csrf_token", None)
        flash(_("You are signed out."), "info")
        return redirect(url_for("catalog.home"))
    return render_template("accounts/logout.html", form=form)


@bp.route("/welcome", methods=["GET", "POST"])
@login_required
def welcome():
    """Onboarding: rate some well-known movies spanning tastes. The page's script saves each click at once;
    "Done" and "Skip" both save what the form holds (all of it without JavaScript) and open the picks."""
    form = ConfirmForm()
    movie_ids = get_recommender().onboarding(k=ONBOARDING_MOVIES)
    movies = load_movies(movie_ids)
    shown = [movies[i] for i in movie_ids if i in movies]
    if form.validate_on_submit():
        stars = _onboarding_stars([m.id for m in shown])
        save_ratings(current_user.id, stars)
        if rated := rating_count(current_user.id):
            flash(ngettext("Thanks! Your picks now use your rating.",
                           "Thanks! Your picks now use your %(num)d ratings.", rated), "info")
        return redirect(url_for("picks.my_picks"))
    ask_for_missing_info(shown)
    my_ratings = ratings_of(current_user.id)
    return render_template("accounts/welcome.html", form=form, movies=shown, my_ratings=my_ratings,
                           rated=len(my_ratings))


def _onboarding_stars(movie_ids: list[int]) -> dict[int, int]:
    """The submitted `stars-<id>` values for the offered movies; anything but 1-5 (`parse_stars`) or blank is a
    400."""
    stars = {}
    for movie_id in movie_ids:
        value = request.form.get(f"stars-{movie_id}", "")
        if value == "":
            continue
        if (parsed := parse_stars(value)) is None:
            abort(400)
        stars[movie_id] = parsed
    return stars


@bp.route("/language/<code>")
def set_language(code: str):
    """Switch the interface language and remember it in a cookie."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(url_for("catalog.home")))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
