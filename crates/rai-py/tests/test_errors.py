"""Errors are exceptions of the package with rai's exact texts and what
they are about; nothing crosses the boundary as a panic."""

from __future__ import annotations

import pytest

import rai

CONTACT = "C0000000000000000000000000000001"


def test_exception_hierarchy() -> None:
    assert issubclass(rai.InvalidQuery, rai.Error) and issubclass(rai.InvalidQuery, ValueError)
    assert issubclass(rai.InvalidData, rai.Error) and issubclass(rai.InvalidData, ValueError)
    assert issubclass(rai.NotFound, LookupError) and issubclass(rai.InternalError, RuntimeError)


def test_invalid_query_names_its_parameter(examples: rai.Engine) -> None:
    cases = [
        ("startTime=nope&endTime=2026-01-02", "Invalid startTime: 'nope'", "startTime"),
        ("startTime=2026-01-02&endTime=2026-01-01", "endTime is before startTime", "endTime"),
        ("startTime=2026-01-01&endTime=2026-01-02&queueId=xyz", None, "queueId"),
        ("startTime=2026-01-01&endTime=2026-01-02&sort=nope", None, "sort"),
        ("startTime=2026-01-01&endTime=2026-01-02&bogus=1", None, "bogus"),
    ]
    for raw, text, parameter in cases:
        with pytest.raises(rai.InvalidQuery) as e:
            examples.query("contactHistory", raw)
        if text is not None:
            assert str(e.value) == text
        assert e.value.parameter == parameter, raw


def test_invalid_data_names_line_field_and_value() -> None:
    e = rai.Engine()
    csv = (
        "contactId,type,channel,arrivalTime,changeTimestamp,handlingDuration\n"
        f"{CONTACT},CallIn,Phone,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,5\n"
        f"C0000000000000000000000000000002,CallIn,Phone,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,5.5\n"
    )
    with pytest.raises(rai.InvalidData) as err:
        e.load("contacts", csv.encode())
    assert (err.value.line, err.value.field, err.value.value) == (3, "handlingDuration", "5.5")
    assert str(err.value) == "line 3: handlingDuration: invalid duration '5.5'"
    # The batch is atomic: its good first row was not loaded either.
    assert e.query("contactHistory", "startTime=2026-01-01&endTime=2026-01-02").total == 0

    with pytest.raises(rai.InvalidData) as err:
        e.load("contacts", b'{"contactId":"%s","nope":1}\n' % CONTACT.encode(), format="jsonl")
    assert (err.value.line, err.value.field) == (1, "nope")


def test_unknown_names_and_batches() -> None:
    e = rai.Engine()
    with pytest.raises(rai.NotFound, match="nope"):
        e.load("nope", b"")
    with pytest.raises(rai.NotFound):
        e.query("nope", "startTime=2026-01-01")
    with pytest.raises(rai.NotFound):
        e.retract(42)
    with pytest.raises(rai.InvalidQuery) as err:
        e.load("contacts", b"x", format="xlsx")
    assert err.value.parameter == "format"
    with pytest.raises(rai.InvalidQuery) as err:
        rai.Engine(now="yesterday")
    assert err.value.parameter == "now"
    with pytest.raises(rai.InvalidQuery):
        rai.Engine(durability="sometimes")
    with pytest.raises(rai.InvalidQuery):
        rai.Engine(default_language="finnish")


def test_a_missing_file_is_invalid_data_naming_it(tmp_path) -> None:
    with pytest.raises(rai.InvalidData, match="missing.csv"):
        rai.Engine().load("contacts", tmp_path / "missing.csv")


def test_a_closed_engine_refuses_calls() -> None:
    e = rai.Engine()
    with e:
        assert e.query("agentStatus", "startTime=2026-01-01").total == 0
    with pytest.raises(ValueError, match="the engine is closed"):
        e.query("agentStatus", "startTime=2026-01-01")
    e.close()  # twice is fine


def test_upsert_takes_a_dict_and_checks_the_user_id() -> None:
    e = rai.Engine()
    user = "AC083B34470B4164A6A5968DD031B5E5"
    row = {"userId": user, "userName": "Aino", "changeTimestamp": "2026-01-01T00:00:00Z"}
    assert e.upsert("users", row) >= 1
    with pytest.raises(rai.InvalidData) as err:
        e.upsert("users", dict(row, userId="30BAC5C8C39A4CA5A5B1C5509EE4F12B"), user_id=user)
    assert (err.value.line, err.value.field) == (1, "userId")
