"""Date filters: whole years and months widen to the days they cover; bad dates are refused."""

from __future__ import annotations

import pytest

from qa.service import QuestionError, clean_date


def test_years_and_months_cover_their_days() -> None:
    assert clean_date("1966") == "1966-01-01"
    assert clean_date("1966", end=True) == "1966-12-31"
    assert clean_date("1966-02") == "1966-02-01"
    assert clean_date(" 1966-01-11 ", end=True) == "1966-01-11"
    assert clean_date("") is None and clean_date(None) is None


@pytest.mark.parametrize("bad", ["abc", "1966-13", "66", "1966-1-1", "1966-01-11-01", "1966-00"])
def test_bad_dates_get_one_clear_line(bad: str) -> None:
    with pytest.raises(QuestionError, match="is not a date: use YYYY-MM-DD, YYYY-MM or YYYY"):
        clean_date(bad)
