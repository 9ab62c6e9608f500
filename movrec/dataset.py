"""Locate, download, verify and parse MovieLens (the 1M format, and 100K's next to it).

`load(data_dir)` returns a `Dataset` whatever the on-disk format: ML-1M (`users.dat`, `movies.dat`,
`ratings.dat`, `::` separated, latin-1) or ML-100K (`u.user`, `u.item`, `u.data`), whose users are
mapped onto ML-1M's age brackets and occupation codes so one model serves both.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ML1M_URL = "https://files.grouplens.org/datasets/movielens/ml-1m.zip"
ML1M_MD5 = "c4d9eecfca2ab87c1945afe126590906"  # published by GroupLens next to the archive
DEFAULT_CACHE = Path("data")

GENRES = (
    "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
    "Western",
)
AGE_BRACKETS = {1: "Under 18", 18: "18-24", 25: "25-34", 35: "35-44", 45: "45-49", 50: "50-55", 56: "56+"}
OCCUPATIONS = {
    0: "other or not specified", 1: "academic/educator", 2: "artist", 3: "clerical/admin",
    4: "college/grad student", 5: "customer service", 6: "doctor/health care",
    7: "executive/managerial", 8: "farmer", 9: "homemaker", 10: "K-12 student", 11: "lawyer",
    12: "programmer", 13: "retired", 14: "sales/marketing", 15: "scientist", 16: "self-employed",
    17: "technician/engineer", 18: "tradesman/craftsman", 19: "unemployed", 20: "writer",
}
GENDERS = ("F", "M")

ML1M_FILES = ("users.dat", "movies.dat", "ratings.dat")
ML100K_FILES = ("u.user", "u.item", "u.data")
# ML-100K names its occupations; these are the closest ML-1M codes.
ML100K_OCCUPATIONS = {
    "administrator": 3, "artist": 2, "doctor": 6, "educator": 1, "engineer": 17, "entertainment": 2,
    "executive": 7, "healthcare": 6, "homemaker": 9, "lawyer": 11, "librarian": 1, "marketing": 14,
    "none": 19, "other": 0, "programmer": 12, "retired": 13, "salesman": 14, "scientist": 15,
    "student": 4, "technician": 17, "writer": 20,
}
ML100K_GENRES = ("unknown",) + GENRES  # column order of u.item's 19 genre flags

# Articles MovieLens moves to the end of a name ("Shawshank Redemption, The", "Postino, Il", "Enfer, L'"), in the
# languages of its catalogue; one ending in an apostrophe joins the next word without a space.
ARTICLES = frozenset({
    "the", "a", "an",                                  # English
    "le", "la", "les", "l'", "un", "une",              # French
    "il", "lo", "i", "gli",                            # Italian (and la, l', un)
    "el", "los", "las",                                # Spanish (and la, un)
    "o", "os", "as",                                   # Portuguese (and a)
    "der", "die", "das", "den", "ein", "eine",         # German
    "de", "het",                                       # Dutch
    "det", "en", "et",                                 # Scandinavian (and den)
    "ta", "to",                                        # Greek, transliterated (and o, i)
})
_TRAILING_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_AKA = re.compile(r"^(a\.k\.a\.|aka)\s+", re.I)


class DatasetError(Exception):
    """The dataset is missing, corrupt or malformed; the message says where and what to do."""


@dataclass(frozen=True)
class Movie:
    movie_id: int
    raw_title: str
    title: str
    year: int | None
    genres: tuple[str, ...]


@dataclass(frozen=True)
class User:
    user_id: int
    gender: str
    age: int
    occupation: int
    zip_code: str


@dataclass(frozen=True)
class Ratings:
    """Column arrays, one entry per rating."""

    user_id: np.ndarray
    movie_id: np.ndarray
    stars: np.ndarray
    timestamp: np.ndarray

    def __len__(self) -> int:
        return len(self.stars)


@dataclass(frozen=True)
class Dataset:
    path: Path
    format: str
    users: list[User]
    movies: list[Movie]
    ratings: Ratings
    sha256: str

    def summary(self) -> str:
        """One line with the counts, for logs and the CLI."""
        return (f"{self.format} at {self.path}: {len(self.users):,} users, {len(self.movies):,} movies, "
                f"{len(self.ratings):,} ratings")


@dataclass(frozen=True)
class MovieTitle:
    """A MovieLens title split into its main title, its alternate titles and its year, articles in front."""

    title: str
    alternates: tuple[str, ...]
    year: int | None

    @property
    def names(self) -> tuple[str, ...]:
        """The main title first, then the alternates (what a search tries)."""
        return (self.title, *self.alternates)

    @property
    def display(self) -> str:
        """The main title with the alternates in parentheses, without the year (what the site shows)."""
        return " ".join([self.title, *(f"({name})" for name in self.alternates)])


def article_first(name: str) -> str:
    """`Shawshank Redemption, The` -> `The Shawshank Redemption`; `Uomo delle stelle, L'` -> `L'Uomo delle stelle`."""
    name = name.strip()
    head, sep, tail = name.rpartition(", ")
    if sep and tail.lower() in ARTICLES:
        return f"{tail}{head}" if tail.endswith("'") else f"{tail} {head}"
    return name


def parse_title(raw: str, year: int | None = None) -> MovieTitle:
    """Split a MovieLens title: `Postino, Il (The Postman) (1994)` -> `Il Postino`, (`The Postman`,), 1994.

    Only the last parenthesised four digits are the year (`year`, when given, wins); other trailing
    parentheses are alternate titles (an `a.k.a.` in front dropped); a leading one belongs to the title
    (`(500) Days of Summer`). Every name gets its article back in front.
    """
    text = raw.strip()
    match = _TRAILING_YEAR.search(text)
    if match:
        year = year or int(match.group(1))
        text = text[: match.start()]
    alternates: list[str] = []
    while (paren := _TRAILING_PAREN.search(text)) and paren.start() > 0:
        alternates.insert(0, article_first(_AKA.sub("", paren.group(1))))
        text = text[: paren.start()]
    return MovieTitle(article_first(text), tuple(a for a in alternates if a), year)


def load(data_dir: str | os.PathLike | None = None, *, download: bool = True) -> Dataset:
    """Load MovieLens from `data_dir`, else `$MOVREC_DATA_DIR`, else the download cache (fetching it)."""
    path = resolve_data_dir(data_dir, download=download)
    if all((path / name).exists() for name in ML1M_FILES):
        return _load_ml1m(path)
    return _load_ml100k(path)


def resolve_data_dir(data_dir: str | os.PathLike | None = None, *, download: bool = True) -> Path:
    """Return a directory holding a complete MovieLens dataset, downloading ML-1M if needed."""
    given = data_dir or os.environ.get("MOVREC_DATA_DIR")
    if given:
        path = Path(given).expanduser()
        if _complete(path):
            return path
        if _complete(path / "ml-1m"):
            return path / "ml-1m"
        raise DatasetError(
            f"{path} does not hold MovieLens: expected {', '.join(ML1M_FILES)} (ML-1M) or "
            f"{', '.join(ML100K_FILES)} (ML-100K). Point --data or MOVREC_DATA_DIR at the unzipped folder.")
    cached = DEFAULT_CACHE / "ml-1m"
    if _complete(cached):
        return cached
    if not download:
        raise DatasetError(f"No dataset at {cached} and downloading is disabled; set MOVREC_DATA_DIR.")
    return download_ml1m(DEFAULT_CACHE)


def download_ml1m(dest: Path, url: str = ML1M_URL, md5: str = ML1M_MD5) -> Path:
    """Download ml-1m.zip, check its MD5 and unzip it under `dest`.

    Progress shows as a bar on a terminal; elsewhere (`docker logs`, CI, a pipe) as one line before and after.
    """
    import requests
    from tqdm import tqdm

    dest.mkdir(parents=True, exist_ok=True)
    archive = dest / "ml-1m.zip"
    partial = archive.with_suffix(".zip.part")
    try:
        with requests.get(url, stream=True, timeout=30) as response:
            response.raise_for_status()
            total = int(response.headers.get("content-length", 0)) or None
            on_terminal = sys.stderr.isatty()
            if not on_terminal:
                print(f"downloading {url}" + (f" ({total / 1e6:.1f} MB)" if total else ""), file=sys.stderr)
            with open(partial, "wb") as out, tqdm(total=total, unit="B", unit_scale=True, desc="ml-1m.zip",
                                                  disable=not on_terminal) as bar:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    out.write(chunk)
                    bar.update(len(chunk))
    except requests.RequestException as exc:
        partial.unlink(missing_ok=True)
        raise DatasetError(
            f"Could not download {url} ({exc}). Without internet, download ml-1m.zip elsewhere, unzip it "
            f"and set MOVREC_DATA_DIR (or --data) to the folder holding {', '.join(ML1M_FILES)}.") from exc
    digest = _file_digest(partial, "md5")
    if digest != md5:
        partial.unlink()
        raise DatasetError(f"{url}: checksum mismatch (md5 {digest}, expected {md5}); download removed.")
    partial.replace(archive)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dest)
    if not on_terminal:
        print(f"downloaded {url}: checksum verified, unzipped to {dest / 'ml-1m'}", file=sys.stderr)
    return dest / "ml-1m"


def _complete(path: Path) -> bool:
    return all((path / n).is_file() for n in ML1M_FILES) or all((path / n).is_file() for n in ML100K_FILES)


def _file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dataset_sha256(paths: list[Path]) -> str:
    """One digest over the data files, recorded in the artifacts to tie a model to its data."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(_file_digest(path, "sha256").encode())
    return digest.hexdigest()


def _rows(path: Path, sep: str, n_fields: int | None, encoding: str = "latin-1"):
    """Yield (line number, fields) for each non-empty line, checking the field count."""
    with open(path, encoding=encoding, newline="") as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split(sep)
            if n_fields is not None and len(fields) != n_fields:
                raise DatasetError(f"{path}:{lineno}: expected {n_fields} fields separated by "
                                   f"{sep!r}, found {len(fields)}: {line[:80]!r}")
            yield lineno, fields


def _fail(path: Path, lineno: int, what: str) -> DatasetError:
    return DatasetError(f"{path}:{lineno}: {what}")


def _parse_int(path: Path, lineno: int, text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _fail(path, lineno, f"{what} is not a number: {text!r}") from None


def _load_ml1m(path: Path) -> Dataset:
    users = [_ml1m_user(path / "users.dat", lineno, f) for lineno, f in _rows(path / "users.dat", "::", 5)]
    movies = [_ml1m_movie(path / "movies.dat", lineno, f) for lineno, f in _rows(path / "movies.dat", "::", 3)]
    ratings = _parse_ratings(path / "ratings.dat", "::")
    files = [path / n for n in ML1M_FILES]
    return _checked(Dataset(path, "ml-1m", users, movies, ratings, _dataset_sha256(files)))


def _ml1m_user(path: Path, lineno: int, fields: list[str]) -> User:
    user_id = _parse_int(path, lineno, fields[0], "user id")
    gender = fields[1]
    if gender not in GENDERS:
        raise _fail(path, lineno, f"gender must be F or M, found {gender!r}")
    age = _parse_int(path, lineno, fields[2], "age")
    if age not in AGE_BRACKETS:
        raise _fail(path, lineno, f"age bracket {age} is not one of {sorted(AGE_BRACKETS)}")
    occupation = _parse_int(path, lineno, fields[3], "occupation")
    if occupation not in OCCUPATIONS:
        raise _fail(path, lineno, f"occupation {occupation} is not in 0-20")
    return User(user_id, gender, age, occupation, fields[4])


def _ml1m_movie(path: Path, lineno: int, fields: list[str]) -> Movie:
    movie_id = _parse_int(path, lineno, fields[0], "movie id")
    genres = tuple(g for g in fields[2].split("|") if g)
    unknown = [g for g in genres if g not in GENRES]
    if unknown:
        raise _fail(path, lineno, f"unknown genre {unknown[0]!r}")
    title = parse_title(fields[1])
    return Movie(movie_id, fields[1], title.display, title.year, genres)


def _parse_ratings(path: Path, sep: str) -> Ratings:
    columns: list[list[int]] = [[], [], [], []]
    for lineno, fields in _rows(path, sep, 4):
        try:
            values = [int(x) for x in fields]
        except ValueError:
            raise _fail(path, lineno, f"non-numeric field in {sep.join(fields)!r}") from None
        if not 1 <= values[2] <= 5:
            raise _fail(path, lineno, f"rating {values[2]} is outside 1-5")
        for column, value in zip(columns, values):
            column.append(value)
    return Ratings(np.asarray(columns[0], np.int64), np.asarray(columns[1], np.int64),
                   np.asarray(columns[2], np.float32), np.asarray(columns[3], np.int64))


def _age_bracket(age: int) -> int:
    """Map a raw age (ML-100K) to the ML-1M bracket code."""
    for bracket, upper in ((1, 17), (18, 24), (25, 34), (35, 44), (45, 49), (50, 55)):
        if age <= upper:
            return bracket
    return 56


def _load_ml100k(path: Path) -> Dataset:
    users = []
    for lineno, f in _rows(path / "u.user", "|", 5):
        occupation = ML100K_OCCUPATIONS.get(f[3])
        if occupation is None or f[2] not in GENDERS:
            raise _fail(path / "u.user", lineno, f"unknown occupation or gender in {'|'.join(f)!r}")
        age = _parse_int(path / "u.user", lineno, f[1], "age")
        users.append(User(_parse_int(path / "u.user", lineno, f[0], "user id"), f[2], _age_bracket(age),
                          occupation, f[4]))
    movies = []
    for lineno, f in _rows(path / "u.item", "|", 24):
        flags = f[5:]
        genres = tuple(g for g, flag in zip(ML100K_GENRES, flags) if flag == "1" and g != "unknown")
        title = parse_title(f[1])
        year = title.year
        if year is None and f[2][-4:].isdigit():
            year = int(f[2][-4:])
        movies.append(Movie(_parse_int(path / "u.item", lineno, f[0], "movie id"), f[1], title.display, year, genres))
    ratings = _parse_ratings(path / "u.data", "\t")
    files = [path / n for n in ML100K_FILES]
    return _checked(Dataset(path, "ml-100k", users, movies, ratings, _dataset_sha256(files)))


def _checked(ds: Dataset) -> Dataset:
    """Check that ratings refer to known users and movies; report the first offender."""
    for name, known, column in (("user", {u.user_id for u in ds.users}, ds.ratings.user_id),
                                ("movie", {m.movie_id for m in ds.movies}, ds.ratings.movie_id)):
        unknown = ~np.isin(column, np.fromiter(known, np.int64, len(known)))
        if unknown.any():
            index = int(np.argmax(unknown))
            raise DatasetError(f"{ds.path}: rating #{index + 1} refers to unknown {name} id {int(column[index])}")
    return ds
