"""The hub cap on precomputed item-to-item lists (movrec.co_ratings.spread_out)."""
import numpy as np

from movrec import co_ratings


def test_a_hub_keeps_only_its_strongest_links_and_yields_the_other_lists():
    # Movie 0 is the best neighbour of movies 1-5; its link is the stronger, the larger the movie's number.
    rows = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2], [0, 1, 2], [0, 1, 2]])
    scores = np.array([[0.9, 0.8, 0.7]] + [[1.0 + i, 0.5, 0.4] for i in range(1, 6)])
    capped_rows, capped_scores = co_ratings.spread_out(rows, scores, shown=1, max_lists=2)
    assert list(capped_rows[:, 0]) == [1, 2, 1, 2, 0, 0]   # movie 0 stays first for 4 and 5 only
    assert np.bincount(capped_rows[:, 0]).max() <= 2
    assert list(capped_rows[3]) == [2, 0, 1]                # the hub moves behind, nothing is dropped
    for before, after, before_scores, after_scores in zip(rows, capped_rows, scores, capped_scores):
        assert sorted(after) == sorted(before)
        assert dict(zip(after, after_scores)) == dict(zip(before, before_scores))


def test_padding_stays_at_the_end_and_lists_under_the_cap_are_unchanged():
    rows = np.array([[1, 2, -1], [0, -1, -1], [0, 1, -1]])
    scores = np.array([[0.9, 0.5, 0.0], [0.8, 0.0, 0.0], [0.7, 0.6, 0.0]], np.float32)
    capped_rows, capped_scores = co_ratings.spread_out(rows, scores, shown=2, max_lists=3)
    np.testing.assert_array_equal(capped_rows, rows)
    np.testing.assert_array_equal(capped_scores, scores)
    capped_rows, _ = co_ratings.spread_out(rows, scores, shown=2, max_lists=1)
    assert list(capped_rows[0]) == [1, 2, -1] and list(capped_rows[1]) == [0, -1, -1]
    assert list(capped_rows[2]) == [0, 1, -1]               # every movie of this list is at its cap: order kept
