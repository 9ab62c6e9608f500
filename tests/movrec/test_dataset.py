"""Parsing MovieLens files: the real formats' awkward cases and clear errors for broken lines."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from movrec import dataset
from movrec.dataset import ARTICLES, DatasetError, MovieTitle, load, parse_title


def test_tiny_dataset_counts_and_latin1(tiny_dataset_dir):
    ds = load(tiny_dataset_dir)
    assert (len(ds.users), len(ds.movies), len(ds.ratings)) == (80, 120, 4000)
    first = ds.movies[0]
    assert first.raw_title == "City of Lost Children, The (Cité des enfants perdus, La) (1995)"
    assert first.title == "The City of Lost Children (La Cité des enfants perdus)"
    assert first.year == 1995
    assert ds.movies[4].genres == dataset.GENRES
    assert len(ds.sha256) == 64


@pytest.mark.parametrize("raw, title, alternates, year", [
    ("Shawshank Redemption, The (1994)", "The Shawshank Redemption", (), 1994),
    ("Seven (Se7en) (1995)", "Seven", ("Se7en",), 1995),
    ("Décalogue, Le (1988)", "Le Décalogue", (), 1988),
    ("Postino, Il (The Postman) (1994)", "Il Postino", ("The Postman",), 1994),
    ("Hate (Haine, La) (1995)", "Hate", ("La Haine",), 1995),
    ("Professional, The (a.k.a. Leon: The Professional) (1994)", "The Professional", ("Leon: The Professional",), 1994),
    ("Star Maker, The (Uomo delle stelle, L') (1995)", "The Star Maker", ("L'Uomo delle stelle",), 1995),
    ("White Balloon, The (Badkonake Sefid ) (1995)", "The White Balloon", ("Badkonake Sefid",), 1995),
    ("Misérables, Les (1995)", "Les Misérables", (), 1995),
    ("City of Lost Children, The (Cité des enfants perdus, La) (1995)", "The City of Lost Children",
     ("La Cité des enfants perdus",), 1995),
    ("Seventh Seal, The (Sjunde inseglet, Det) (1957)", "The Seventh Seal", ("Det Sjunde inseglet",), 1957),
    ("Convent, The (Convento, O) (1995)", "The Convent", ("O Convento",), 1995),
    ("Paris, Texas (1984)", "Paris, Texas", (), 1984),
    ("(500) Days of Summer (2009)", "(500) Days of Summer", (), 2009),
    ("Untitled", "Untitled", (), None),
])
def test_parse_title(raw, title, alternates, year):
    assert parse_title(raw) == MovieTitle(title, alternates, year)


def test_the_site_shows_the_alternates_in_parentheses_and_a_given_year_wins():
    parsed = parse_title("City of Lost Children, The (Cité des enfants perdus, La) (1995)", year=1996)
    assert parsed.display == "The City of Lost Children (La Cité des enfants perdus)" and parsed.year == 1996
    assert parsed.names == ("The City of Lost Children", "La Cité des enfants perdus")


def test_every_article_in_the_genuine_titles_is_known_and_nothing_else_is_moved(shared_data):
    """After parsing ML-1M's and ML-100K's titles, the only names still ending in ", <one word>" are those whose
    word is not an article (a missing article, or a word taken for one, changes the set)."""
    raws = [line.split("::")[1] for line in (shared_data / "ml-1m" / "movies.dat").read_text("latin-1").splitlines()]
    raws += [line.split("|")[1] for line in (shared_data / "ml-100k" / "u.item").read_text("latin-1").splitlines()]
    tails = {name.rpartition(", ")[2] for raw in raws for name in parse_title(raw).names if ", " in name}
    words = {tail for tail in tails if " " not in tail}
    assert words == {"302", "Alaska", "Corrina", "France", "Guido", "Interrupted", "Love", "Lover", "Maine", "N.M.",
                     "Niagara", "Professore!", "Texas", "U.S.A.", "Vietnam", "Wonderland", "etc.", "frenesí"}
    assert not {word.lower() for word in words} & ARTICLES


def _copy(src, dst):
    dst.mkdir()
    for name in dataset.ML1M_FILES:
        (dst / name).write_bytes((src / name).read_bytes())
    return dst


@pytest.mark.parametrize("name, line, message", [
    ("ratings.dat", "1::2::x::978300760", "non-numeric"),
    ("ratings.dat", "1::2::3", "expected 4 fields"),
    ("ratings.dat", "1::2::7::978300760", "outside 1-5"),
    ("users.dat", "999::X::25::3::12345", "gender must be F or M"),
    ("users.dat", "999::F::26::3::12345", "age bracket 26"),
    ("movies.dat", "999::Some Movie (1999)::Comedy|Cartoon", "unknown genre 'Cartoon'"),
])
def test_malformed_line_names_file_and_line(tiny_dataset_dir, tmp_path, name, line, message):
    broken = _copy(tiny_dataset_dir, tmp_path / "broken")
    lines = (broken / name).read_text(encoding="latin-1").splitlines()
    lines.insert(2, line)
    (broken / name).write_text("\n".join(lines) + "\n", encoding="latin-1")
    with pytest.raises(DatasetError, match=rf"{name}:3: .*{message}"):
        load(broken)


def test_rating_of_unknown_movie_is_reported(tiny_dataset_dir, tmp_path):
    broken = _copy(tiny_dataset_dir, tmp_path / "broken")
    with open(broken / "ratings.dat", "a", encoding="latin-1") as fh:
        fh.write("1::99999::4::978300760\n")
    with pytest.raises(DatasetError, match="unknown movie id 99999"):
        load(broken)


def test_missing_directory_says_what_to_do(tmp_path):
    with pytest.raises(DatasetError, match="MOVREC_DATA_DIR"):
        load(tmp_path)


def test_environment_variable_points_at_data(tiny_dataset_dir, monkeypatch):
    monkeypatch.setenv("MOVREC_DATA_DIR", str(tiny_dataset_dir))
    assert load().path == tiny_dataset_dir


def test_offline_download_fails_plainly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetError, match="Could not download .*MOVREC_DATA_DIR"):
        dataset.download_ml1m(tmp_path / "cache", url="http://127.0.0.1:9/ml-1m.zip")
    assert not list((tmp_path / "cache").glob("*.part"))


def _serve_bytes(payload: bytes):
    """A loopback HTTP server answering every GET with `payload` (the GroupLens stand-in)."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_download_verifies_checksum_and_unzips(tiny_dataset_dir, tmp_path, capsys):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in dataset.ML1M_FILES:
            zf.write(tiny_dataset_dir / name, f"ml-1m/{name}")
    payload = buffer.getvalue()
    server = _serve_bytes(payload)
    url = f"http://127.0.0.1:{server.server_port}/ml-1m.zip"
    try:
        with pytest.raises(DatasetError, match="checksum mismatch"):
            dataset.download_ml1m(tmp_path / "bad", url=url, md5="0" * 32)
        assert not (tmp_path / "bad" / "ml-1m").exists()
        path = dataset.download_ml1m(tmp_path / "good", url=url, md5=hashlib.md5(payload).hexdigest())
    finally:
        server.shutdown()
    assert len(load(path).ratings) == 4000
    # Not a terminal here: plain lines for logs, no progress bar redrawn with carriage returns.
    err = capsys.readouterr().err
    assert f"downloading {url}" in err and "checksum verified" in err and "\r" not in err


def test_real_ml1m_subset_parses(shared_data):
    ds = load(shared_data / "ml-1m")
    assert len(ds.movies) == 3883
    assert len(ds.users) == 2999  # a subset of the release: counts are read, never assumed
    assert len(ds.ratings) == 487650


def test_real_ml100k_maps_onto_ml1m_codes(shared_data):
    ds = load(shared_data / "ml-100k")
    assert (len(ds.users), len(ds.movies), len(ds.ratings)) == (943, 1682, 100000)
    assert {u.age for u in ds.users} <= set(dataset.AGE_BRACKETS)
    assert {u.occupation for u in ds.users} <= set(dataset.OCCUPATIONS)
    assert ds.movies[0].title == "Toy Story" and "Animation" in ds.movies[0].genres
