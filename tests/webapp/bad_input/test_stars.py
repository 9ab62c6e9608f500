"""Stars are written one way, like ids: one ASCII digit from 1 to 5. Other spellings of a number ("٣", "４",
"+4", " 4", "04") are refused with a 400 on the movie page's form and in onboarding, and nothing changes."""
from __future__ import annotations

import pytest

from tests.webapp.bad_input.conftest import REFUSED
from tests.webapp.helpers import csrf_token, rate, register

OTHER_SPELLINGS = ["٣", "４", "+4", " 4", "4 ", "04", "4.0", "²"]


@pytest.mark.parametrize("stars", OTHER_SPELLINGS)
def test_stars_written_another_way_are_refused(client, stored, stars):
    register(client, "stella")
    rate(client, 2, 3)
    response = rate(client, 2, stars)
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    assert stored() == (["stella"], [("stella", 2, 3)])


@pytest.mark.parametrize("stars", OTHER_SPELLINGS)
def test_onboarding_stars_written_another_way_save_nothing(client, stored, recommender, stars):
    register(client, "olive")
    first, second = recommender.onboarding(k=30)[:2]
    data = {"csrf_token": csrf_token(client, "/welcome"), f"stars-{first}": "4", f"stars-{second}": stars}
    assert client.post("/welcome", data=data).status_code == 400
    assert stored() == (["olive"], [])


def test_parse_stars_reads_only_one_ascii_digit():
    from webapp.services.ratings import parse_stars

    assert [parse_stars(raw) for raw in "12345"] == [1, 2, 3, 4, 5]
    assert [parse_stars(raw) for raw in ["0", "6", "", None, *OTHER_SPELLINGS]] == [None] * (4 + len(OTHER_SPELLINGS))
