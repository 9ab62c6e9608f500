"""Database models: the catalogue, site accounts, their ratings, and the Douban info cache."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db

INFO_STATUSES = ("pending", "ok", "not_found", "error")
FINAL_INFO_STATUSES = ("ok", "not_found")  # the worker is done with the movie


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

    # Loaded in the same query as the movie: a card needs both.
    info: Mapped[MovieInfo | None] = relationship(back_populates="movie", lazy="joined", uselist=False)

    @property
    def genre_list(self) -> list[str]:
        """The genres as a list, in dataset order."""
        return self.genres.split("|") if self.genres else []

    @property
    def title_zh(self) -> str | None:
        """The cached Chinese title, if the worker found one."""
        info = self.info
        return info.title_zh if info is not None and info.status == "ok" else None

    @property
    def info_pending(self) -> bool:
        """True while the worker has not settled this movie's Douban info (found or not found)."""
        return self.info is None or self.info.status not in FINAL_INFO_STATUSES


class MovieInfo(db.Model):
    """The Douban cache for one movie: Chinese title, rating, poster file, and the fetch bookkeeping."""

    __tablename__ = "movie_info"
    __table_args__ = (CheckConstraint(f"status IN {INFO_STATUSES!r}", name="status"),)

    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    douban_id: Mapped[str | None] = mapped_column(String(32))
    title_zh: Mapped[str | None] = mapped_column(String(300))
    original_title: Mapped[str | None] = mapped_column(String(300))
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
        return self.status == "ok"


class User(UserMixin, db.Model):
    """A site account with the three demographic fields the model knows."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("gender IN ('F', 'M')", name="gender"),
        CheckConstraint("occupation BETWEEN 0 AND 20", name="occupation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    gender: Mapped[str] = mapped_column(String(1))
    age: Mapped[int] = mapped_column(SmallInteger)
    occupation: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
