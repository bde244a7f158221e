"""Keyword methods equal their raw query strings: one method per endpoint,
built from rai's declaration, with snake_case names for every parameter and
field filter."""

from __future__ import annotations

import datetime as dt

import pytest

import rai

NOW = "2026-10-24T09:45:59.000Z"

# (method, keyword arguments, the same query as a raw string)
PAIRS = [
    (
        "contact_history",
        dict(start="2026-10-01", end="2026-10-25", time_category="day", queue_name="*Support*",
             sort="queueName,LOCALE-fi", limit=100),
        "startTime=2026-10-01&endTime=2026-10-25&timeCategory=day&queueName=*Support*&sort=queueName,LOCALE-fi&limit=100",
    ),
    (
        "contact_history",
        dict(start_time=dt.date(2026, 10, 1), end_time=dt.datetime(2026, 10, 25, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
             time_category="hour", time_zone="Europe/Helsinki", show_queue=False, show_channel_type=True,
             channel_type=["Phone", "ChatIn"], derived=["serviceLevel", "handledRatio"],
             service_level_thresholds=[20, 60], percentiles=(50, 90), fill="zero", limit=50, offset=2),
        "startTime=2026-10-01&endTime=2026-10-25T03:00:00.000%2B03:00&timeCategory=hour&timeZone=Europe/Helsinki"
        "&showQueue=false&showChannelType=true&channelType=Phone,ChatIn&derived=serviceLevel,handledRatio"
        "&serviceLevelThresholds=20,60&percentiles=50,90&fill=zero&limit=50&offset=2",
    ),
    (
        "contact_statistic",
        dict(start="2026-10-24", show_user=True, user_name="A*", limit=20),
        "startTime=2026-10-24&showUser=true&userName=A*&limit=20",
    ),
    (
        "agent_history",
        dict(start="2026-01-01", end="2026-12-31", time_category="month", show_profile=True, sort="-userName"),
        "startTime=2026-01-01&endTime=2026-12-31&timeCategory=month&showProfile=true&sort=-userName",
    ),
    ("agent_statistic", dict(start="2026-10-24", time_category="hour"), "startTime=2026-10-24&timeCategory=hour"),
    ("agent_status", dict(start="2026-01-01", limit=5, language="fi"), "startTime=2026-01-01&limit=5&language=fi"),
    (
        "agent_status_history",
        dict(start="2026-01-01", end="2026-12-31", user_status="Ready", limit=7),
        "startTime=2026-01-01&endTime=2026-12-31&userStatus=Ready&limit=7",
    ),
    (
        "agent_status_time",
        dict(start="2026-10-01", end="2026-10-25", time_category="day", show_availability=True, user_id=None),
        "startTime=2026-10-01&endTime=2026-10-25&timeCategory=day&showAvailability=true",
    ),
]


@pytest.mark.parametrize("method,kwargs,raw", PAIRS)
def test_keywords_equal_the_raw_string(examples: rai.Engine, method: str, kwargs: dict, raw: str) -> None:
    endpoint = {e["name"].lower(): e["name"] for e in rai.ENDPOINTS}[method.replace("_", "")]
    by_keywords = getattr(examples, method)(now=NOW, **kwargs)
    by_string = examples.query(endpoint, raw, now=NOW)
    assert by_keywords.endpoint == endpoint
    assert by_keywords.to_json() == by_string.to_json()
    assert by_keywords.total == by_string.total
    assert by_keywords.to_xml() == by_string.to_xml()


def test_every_endpoint_has_a_method_and_every_parameter_a_keyword() -> None:
    names = {e["name"] for e in rai.ENDPOINTS}
    assert names == {
        "contactHistory", "agentHistory", "contactStatistic", "agentStatistic",
        "agentStatus", "agentStatusHistory", "agentStatusTime",
    }
    assert hasattr(rai.Engine, "contact_history") and hasattr(rai.Engine, "agent_status_time")
    ch = next(e for e in rai.ENDPOINTS if e["name"] == "contactHistory")
    params = {p[0] for p in ch["params"]}
    assert {"startTime", "endTime", "showOnlyContactCenter", "serviceLevelThresholds", "percentiles"} <= params
    assert "queueName" in ch["filters"]


def test_unknown_keyword_is_a_type_error(examples: rai.Engine) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'queue_nam'"):
        examples.contact_history(start="2026-01-01", end="2026-01-02", queue_nam="x")
    with pytest.raises(TypeError, match="unsupported type"):
        examples.contact_history(start=1.5, end="2026-01-02")


def test_keyword_errors_are_the_spec_texts(examples: rai.Engine) -> None:
    with pytest.raises(rai.InvalidQuery) as e:
        examples.contact_history(end="2026-01-02")
    assert (str(e.value), e.value.parameter) == ("Missing parameter: 'startTime'", "startTime")
    with pytest.raises(rai.InvalidQuery) as e:
        examples.contact_history(start="2026-01-01", end="2026-01-02", show_queue="maybe")
    assert e.value.parameter == "showQueue"
    assert str(e.value) == examples_error(examples, "startTime=2026-01-01&endTime=2026-01-02&showQueue=maybe")


def examples_error(engine: rai.Engine, raw: str) -> str:
    try:
        engine.query("contactHistory", raw)
    except rai.InvalidQuery as e:
        return str(e)
    raise AssertionError("no error")
