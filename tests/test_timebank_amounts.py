"""One parser turns typed hours into whole minutes, and refuses everything else."""
from __future__ import annotations

import pytest

from marketplace import create_app
from marketplace.timebank.amounts import clock, format_minutes, parse_hours
from marketplace.timebank.errors import InvalidAmount, check_minutes
from tests.conftest import TEST_CONFIG


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """No database needed: a bare app for translations and request context."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMMONS_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        yield create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI="sqlite://"))


@pytest.mark.parametrize("text, minutes", [
    ("2", 120), ("1:30", 90), ("1.5", 90), ("1,5", 90), ("0:45", 45), ("0.25", 15), (" 3 ", 180),
    ("2h", 120), ("2 hours", 120), ("45 min", 45), ("90m", 90), ("10000", 600_000), (".5", 30),
])
def test_parses_the_ways_people_type_hours(app, text, minutes):
    with app.test_request_context():
        assert parse_hours(text) == minutes


@pytest.mark.parametrize("text, says", [
    ("", "Enter an amount"), ("0", "more than zero"), ("0:00", "more than zero"), ("-1", "more than zero"),
    ("1.01", "whole minutes"), ("0.001", "whole minutes"), ("10000.5", "more than 10000 hours"),
    ("1:60", "could not read"), ("abc", "could not read"), ("1e3", "could not read"), ("nan", "could not read"),
    ("1:2:3", "could not read"), ("999999999", "more than 10000 hours"),
])
def test_refuses_bad_amounts_with_a_clear_message(app, text, says):
    with app.test_request_context(), pytest.raises(InvalidAmount) as caught:
        parse_hours(text)
    assert says in caught.value.message
    assert caught.value.fields["hours"]


@pytest.mark.parametrize("value", [0, -5, 1.5, "60", True, None, 600_001])
def test_services_refuse_anything_but_positive_whole_minutes(app, value):
    with app.test_request_context(), pytest.raises(InvalidAmount):
        check_minutes(value)


def test_formats_signed_minutes(app):
    with app.test_request_context():
        assert format_minutes(120) == "2 h"
        assert format_minutes(45) == "45 min"
        assert format_minutes(90) == "1 h 30 min"
        assert format_minutes(-90) == "-1 h 30 min"
    assert clock(-90) == "-1:30" and clock(605) == "10:05"
