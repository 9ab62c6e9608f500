"""Comparing titles: match keys, articles, near spellings, sequel numbers as numbers."""
from __future__ import annotations

import pytest

from worker.titles import ARTICLE, EXACT, FUZZY, best_agreement, compare, match_key, sequel_numbers


def test_match_key_folds_accents_case_punctuation_and_ampersand():
    assert match_key("Les Misérables") == match_key("LES MISERABLES") == "les miserables"
    assert match_key("Alien³") == "alien3"
    assert match_key("Sense & Sensibility") == match_key("Sense and Sensibility")
    assert match_key("Leon: The Professional") == "leon the professional"


@pytest.mark.parametrize("name, candidate, agreement", [
    ("The Shawshank Redemption", "The Shawshank Redemption", EXACT),
    ("Les Misérables", "Les Miserables", EXACT),
    ("Back to the Future Part II", "Back to the Future Part 2", EXACT),
    ("Rocky IV", "Rocky 4", EXACT),
    ("Fear", "The Fear", ARTICLE),
    ("Boys", "Les Boys", ARTICLE),
    ("Il Postino", "Postino", ARTICLE),
    ("Les Boys", "The Boys", None),
    ("The Fear", "La Fear", None),
    ("Chungking Express", "Chung King Express", FUZZY),
    ("Alien³", "Alien 3", FUZZY),
    ("Back to the Future Part II", "Back to the Future Part III", None),
    ("Godfather: Part II, The", "The Godfather: Part III", None),
    ("Star Wars: Episode IV - A New Hope", "Star Wars", None),
    ("Star Wars: Episode I - The Phantom Menace", "Star Wars: Episode II - Attack of the Clones", None),
    ("Toy Story", "Toy Story 2", None),
    ("Rocky", "Rocky II", None),
    ("Psycho", "Psycho II", None),
    ("Farewell My Concubine", "霸王别姬", None),
])
def test_compare(name, candidate, agreement):
    assert compare(name, candidate) == agreement
    assert compare(candidate, name) == agreement


def test_sequel_numbers_read_roman_and_arabic_alike_but_not_a_leading_i():
    assert sequel_numbers(match_key("Rocky III")) == sequel_numbers(match_key("Rocky 3")) == [3]
    assert sequel_numbers(match_key("Star Wars: Episode VI")) == [6]
    assert sequel_numbers(match_key("I Shot Andy Warhol")) == []
    assert sequel_numbers(match_key("Malcolm X")) == [10]
    assert sequel_numbers(match_key("2001: A Space Odyssey")) == [2001]


def test_best_agreement_takes_the_closest_pair():
    assert best_agreement(["The Professional", "Leon: The Professional"], ["Léon", "Léon: The Professional"]) == EXACT
    assert best_agreement(["Fear"], ["The Fear", "恐惧"]) == ARTICLE
    assert best_agreement(["Fear"], ["恐惧"]) is None

