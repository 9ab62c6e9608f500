"""A member's account page: change the password, download the ratings as CSV, delete the account."""
from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.services.accounts import change_password, delete_account, ratings_csv
from webapp.services.marks import Mark, marked_ids
from webapp.services.ratings import rating_count
from webapp.views.accounts import sign_in

bp = Blueprint("account", __name__)


class PasswordChangeForm(FlaskForm):
    """A new password, given the current one."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    """Deleting the account: the password, and a box ticked to say so."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    sure = BooleanField(_l("Delete my account with all my ratings and lists"),
                        validators=[DataRequired(message=_l("Tick this box to delete your account."))])
    submit = SubmitField(_l("Delete my account"))


def _page(password_form: PasswordChangeForm | None = None, delete_form: DeleteAccountForm | None = None,
          status: int = 200):
    user_id = current_user.id
    return render_template("account/account.html", password_form=password_form or PasswordChangeForm(),
                           delete_form=delete_form or DeleteAccountForm(), n_ratings=rating_count(user_id),
                           n_watchlist=len(marked_ids(Mark.WATCHLIST, user_id)),
                           n_hidden=len(marked_ids(Mark.HIDDEN, user_id))), status


def _password_matches(field) -> bool:
    if check_password_hash(current_user.password_hash, field.data):
        return True
    field.errors.append(_("Wrong password."))
    return False


@bp.route("/account")
@login_required
def account():
    """The account page."""
    return _page()


@bp.route("/account/password", methods=["POST"])
@login_required
def password():
    """Change the password (the current one is required); every other session of the account ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit() and _password_matches(form.current):
        change_password(current_user._get_current_object(), form.password.data)
        sign_in(current_user._get_current_object())  # this session carries on with the new version
        flash(_("Your password is changed. Your other sessions are signed out."), "info")
        return redirect(url_for("account.account"))
    return _page(password_form=form, status=400)


@bp.route("/account/ratings.csv")
@login_required
def ratings_download():
    """The member's ratings as a CSV download."""
    return Response(ratings_csv(current_user.id), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="movrec-ratings.csv"'})


@bp.route("/account/delete", methods=["POST"])
@login_required
def delete():
    """Delete the account with its ratings, watchlist and hidden movies (password and a ticked box needed)."""
    form = DeleteAccountForm()
    if form.validate_on_submit() and _password_matches(form.password):
        delete_account(current_user.id)
        logout_user()
        session.pop("csrf_token", None)
        flash(_("Your account and everything in it is deleted."), "info")
        return redirect(url_for("catalog.home"))
    return _page(delete_form=form, status=400)
