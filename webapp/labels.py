"""Translatable labels for the dataset's categories; the English dataset labels are the msgids.

The strings are spelled out so that `pybabel extract` finds them; a test checks they match
`movrec.dataset.GENRES`, `AGE_BRACKETS` and `OCCUPATIONS`.
"""
from flask_babel import lazy_gettext as _l

GENDER_LABELS = {"F": _l("Female"), "M": _l("Male")}

GENRE_LABELS = {
    "Action": _l("Action"), "Adventure": _l("Adventure"), "Animation": _l("Animation"),
    "Children's": _l("Children's"), "Comedy": _l("Comedy"), "Crime": _l("Crime"),
    "Documentary": _l("Documentary"), "Drama": _l("Drama"), "Fantasy": _l("Fantasy"),
    "Film-Noir": _l("Film-Noir"), "Horror": _l("Horror"), "Musical": _l("Musical"),
    "Mystery": _l("Mystery"), "Romance": _l("Romance"), "Sci-Fi": _l("Sci-Fi"),
    "Thriller": _l("Thriller"), "War": _l("War"), "Western": _l("Western"),
}

AGE_LABELS = {
    1: _l("Under 18"), 18: _l("18-24"), 25: _l("25-34"), 35: _l("35-44"),
    45: _l("45-49"), 50: _l("50-55"), 56: _l("56+"),
}

OCCUPATION_LABELS = {
    0: _l("other or not specified"), 1: _l("academic/educator"), 2: _l("artist"),
    3: _l("clerical/admin"), 4: _l("college/grad student"), 5: _l("customer service"),
    6: _l("doctor/health care"), 7: _l("executive/managerial"), 8: _l("farmer"),
    9: _l("homemaker"), 10: _l("K-12 student"), 11: _l("lawyer"), 12: _l("programmer"),
    13: _l("retired"), 14: _l("sales/marketing"), 15: _l("scientist"), 16: _l("self-employed"),
    17: _l("technician/engineer"), 18: _l("tradesman/craftsman"), 19: _l("unemployed"),
    20: _l("writer"),
}


def genre_label(name: str) -> str:
    """The genre's name in the current language (the name itself if unknown)."""
    label = GENRE_LABELS.get(name)
    return str(label) if label is not None else name
