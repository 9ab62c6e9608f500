"""Database models: the catalogue, site accounts, their ratings, watchlists and hidden movies, the Douban info
cache and its rules (the status values, when a movie is due a fetch), and the shared Douban rate-limit state."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (CheckConstraint, ColumnElement, DateTime, Enum, Float, ForeignKey, Integer, SmallInteger,
                        String, Text, UniqueConstraint, and_, or_)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.extensions import db
from webapp.services.folding import search_key, username_key

# A fetch claimed (queued) longer ago than this is taken as lost (worker gone, message dropped): it is due again.
REQUEUE_AFTER = timedelta(minutes=30)


class InfoStatus(StrEnum):
    """Where a movie's Douban lookup stands (the values stored in ``movie_info.status``)."""

    PENDING = "pending"      # asked for, no outcome yet
    OK = "ok"                # found and stored
    NOT_FOUND = "not_found"  # no Douban subject matches
    ERROR = "error"          # the last attempt failed


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """`value` as aware UTC (SQLite gives back naive datetimes; they were stored in UTC)."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


class Movie(db.Model):
    """A MovieLens movie; `id` is the MovieLens movie id."""

    __tablename__ = "movies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(300))
    raw_title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    genres: Mapped[str] = mapped_column(String(300), default="")
    rating_mean: Mapped[float | None] = mapped_column(Float)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    # Both titles folded by `search_key`, kept in step with them: what title search matches against.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How many MovieLens ratings gave 1, 2, 3, 4 and 5 stars, comma-separated ("12,30,101,220,140"); set by the
    # catalogue import, None before it ran on this schema.
    star_counts: Mapped[str | None] = mapped_column(String(80))

    # Loaded in the same query as the movie: a card needs both.
    info: Mapped[MovieInfo | None] = relationship(back_populates="movie", lazy="joined", uselist=False)

    @validates("title", "raw_title")
    def _refold_search_text(self, field: str, value: str) -> str:
        other = self.raw_title if field == "title" else self.title
        self.search_text = search_key(f"{value}\n{other or ''}")
        return value

    @property
    def genre_list(self) -> list[str]:
        """The genres as a list, in dataset order."""
        return self.genres.split("|") if self.genres else []

    @property
    def star_histogram(self) -> list[int] | None:
        """`star_counts` as five integers (1 to 5 stars), or None when unknown."""
        return [int(n) for n in self.star_counts.split(",")] if self.star_counts else None

    @property
    def title_zh(self) -> str | None:
        """The cached Chinese title, if the worker found one."""
        info = self.info
        return info.title_zh if info is not None and info.is_cached else None

    @property
    def info_pending(self) -> bool:
        """True while the worker has not settled this movie's Douban info (found or not found)."""
        return self.info is None or not self.info.is_settled


class MovieInfo(db.Model):
    """The Douban cache for one movie: Chinese title, rating, poster file, and the fetch bookkeeping."""

    __tablename__ = "movie_info"
    __table_args__ = (CheckConstraint(f"status IN {tuple(s.value for s in InfoStatus)!r}", name="status"),)

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True)
    # Stored as the plain value (VARCHAR and the check above, no database enum type); read back as InfoStatus.
    status: Mapped[InfoStatus] = mapped_column(
        Enum(InfoStatus, native_enum=False, create_constraint=False, length=16,
             values_callable=lambda statuses: [s.value for s in statuses]),
        default=InfoStatus.PENDING, index=True)
    douban_id: Mapped[str | None] = mapped_column(String(32))
    title_zh: Mapped[str | None] = mapped_column(String(300))
    original_title: Mapped[str | None] = mapped_column(String(300))
    # The IMDb id the Douban subject page names (tt...), only ever copied from it: never guessed.
    imdb_id: Mapped[str | None] = mapped_column(String(16))
    douban_rating: Mapped[float | None] = mapped_column(Float)
    douban_votes: Mapped[int | None] = mapped_column(Integer)
    poster_path: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    movie: Mapped[Movie] = relationship(back_populates="info")

    @property
    def is_cached(self) -> bool:
        """True once the worker has stored this movie's Douban info."""
        return self.status == InfoStatus.OK

    @property
    def is_settled(self) -> bool:
        """True once the worker is done with the movie (found or not found); pages stop asking for it."""
        return self.status in (InfoStatus.OK, InfoStatus.NOT_FOUND)

    # The fetch-due rule, in Python for loaded rows and in SQL for queries (``hybrid_method``).
    @hybrid_method
    def attempt_due(self, now: datetime) -> bool:
        """True when the row's next attempt time has come, or none is set."""
        next_attempt = as_utc(self.next_attempt_at)
        return next_attempt is None or next_attempt <= now

    @attempt_due.expression
    def attempt_due(cls, now: datetime) -> ColumnElement[bool]:
        return or_(cls.next_attempt_at.is_(None), cls.next_attempt_at <= now)

    @hybrid_method
    def is_due(self, now: datetime) -> bool:
        """True when the movie may be fetched now: not queued (or its claim is older than ``REQUEUE_AFTER``),
        and its next attempt has come."""
        queued = as_utc(self.queued_at)
        return (queued is None or queued < now - REQUEUE_AFTER) and self.attempt_due(now)

    @is_due.expression
    def is_due(cls, now: datetime) -> ColumnElement[bool]:
        return and_(or_(cls.queued_at.is_(None), cls.queued_at < now - REQUEUE_AFTER), cls.attempt_due(now))

    def is_fresh(self, now: datetime) -> bool:
        """True when an outcome is recorded and its next attempt has not come: fetching again now would repeat
        the last fetch (a task delivered twice does nothing the second time)."""
        return self.status != InfoStatus.PENDING and not self.attempt_due(now)


class Role(StrEnum):
    """What a stored grant allows (the values of ``user_roles.role``)."""

    ADMIN = "admin"  # the /admin/ pages


class User(UserMixin, db.Model):
    """A site account with the three demographic fields the model knows.

    `username_key` (`username_key()` of the name) is unique, so two spellings of one name are one account.
    `session_version` moves on at sign-out: sessions signed before it no longer sign anyone in."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("gender IN ('F', 'M')", name="gender"),
        CheckConstraint("occupation BETWEEN 0 AND 20", name="occupation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    username_key: Mapped[str] = mapped_column(String(160), unique=True)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    password_hash: Mapped[str] = mapped_column(String(255))
    gender: Mapped[str] = mapped_column(String(1))
    age: Mapped[int] = mapped_column(SmallInteger)
    occupation: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    roles: Mapped[list[UserRole]] = relationship(back_populates="user", foreign_keys="UserRole.user_id",
                                                 cascade="all, delete-orphan", passive_deletes=True)

    @validates("username")
    def _rekey(self, _field: str, name: str) -> str:
        self.username_key = username_key(name)
        return name

    def get_id(self) -> str:
        """Flask-Login's session id: the account and its session version (`<id>-<version>`)."""
        return f"{self.id}-{self.session_version}"

    @property
    def is_admin(self) -> bool:
        """True when an admin grant is stored for the account."""
        return any(grant.role == Role.ADMIN for grant in self.roles)


class UserRole(db.Model):
    """A role granted to an account by the `flask movrec admin grant` command: by whom (the command's
    `--by`, else the operating-system user who ran it) and when."""

    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint("role IN ({})".format(", ".join(f"'{r.value}'" for r in Role)), name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, create_constraint=False, length=16,
             values_callable=lambda roles: [r.value for r in roles]), primary_key=True)
    granted_by: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


class Rating(db.Model):
    """One site user's 1-5 star rating of one movie."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("user_id", "movie_id"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), index=True)
    stars: Mapped[int] = mapped_column(SmallInteger)
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    movie: Mapped[Movie] = relationship()


class MovieMark:
    """Columns of a member's mark on a movie (one row per member and movie), shared by the mark tables."""

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True, index=True)
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WatchlistEntry(MovieMark, db.Model):
    """A movie a member wants to see."""

    __tablename__ = "watchlist"

    movie: Mapped[Movie] = relationship()


class HiddenMovie(MovieMark, db.Model):
    """A movie a member is not interested in: it never appears among their picks."""

    __tablename__ = "hidden_movies"


class ScrapeGate(db.Model):
    """One Douban rate-limit bucket or circuit (times are Unix seconds), used when there is no Redis
    (``webapp.douban.gate.SqlGate``)."""

    __tablename__ = "scrape_gate"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float, default=0.0)
    window_start: Mapped[float] = mapped_column(Float, default=0.0)
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    open_until: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str | None] = mapped_column(Text)
