"""A member's lists besides ratings: the watchlist page, and marking a movie "want to see" or "not
interested" (hidden from picks) from any card or movie page."""
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.services.cards import ask_for_missing_info
from webapp.services.marks import Mark, set_mark, watchlist_of
from webapp.site.replies import answer
from webapp.views.picks import known_movie_of_member

bp = Blueprint("lists", __name__)


@bp.route("/watchlist")
@login_required
def watchlist():
    """The movies the member wants to see, latest added first."""
    entries = watchlist_of(current_user.id)
    ask_for_missing_info(entry.movie for entry in entries)
    return render_template("lists/watchlist.html", movies=[entry.movie for entry in entries])


@bp.route("/movies/<id:movie_id>/<any(watchlist, hide):mark>", methods=["POST"])
def mark_movie(movie_id: int, mark: str):
    """Set (`on=1`) or clear (`on=0`) the member's watchlist or hidden mark on the movie; repeating it
    changes nothing; any other `on` is a 400. The page's script gets JSON."""
    if (signed_out := known_movie_of_member(movie_id, _("Please sign in to keep lists of movies."))) is not None:
        return signed_out
    on = {"1": True, "0": False}.get(request.form.get("on", ""))
    if on is None:
        abort(400)
    mark = Mark(mark)
    set_mark(mark, current_user.id, movie_id, on)
    messages = {(Mark.WATCHLIST, True): _("Added to your watchlist."),
                (Mark.WATCHLIST, False): _("Removed from your watchlist."),
                (Mark.HIDDEN, True): _("Hidden: it will not appear in your picks."),
                (Mark.HIDDEN, False): _("It may appear in your picks again.")}
    return answer(messages[mark, on], url_for("catalog.movie", movie_id=movie_id), movie_id=movie_id,
                  mark=mark.value, on=on)
