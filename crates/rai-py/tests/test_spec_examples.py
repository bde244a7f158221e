"""SPEC.md's 240 worked examples through `engine.query`: every body equals
the `rai query` program's body byte for byte (and the SPEC's answer), every
rejected query raises `rai.InvalidQuery` with the SPEC's exact text."""

from __future__ import annotations

import json
import subprocess

import pytest

import rai
from conftest import EXAMPLES

CASES = [json.loads(line) for line in (EXAMPLES / "cases.jsonl").read_text().splitlines() if line.strip()]


def test_there_are_240_cases() -> None:
    assert len(CASES) == 240


@pytest.mark.parametrize("n", range(len(CASES)))
def test_case_equals_cli(n: int, examples: rai.Engine, rai_bin: str) -> None:
    case = CASES[n]
    xml = case["accept"] == "application/xml"
    cli = subprocess.run(
        [
            rai_bin, "query", "--data", str(EXAMPLES / "data"), "--now", case["now"],
            "--accept", case["accept"], case["endpoint"], case["query"],
        ],
        capture_output=True,
        text=True,
    )
    if case["status"] == 200:
        result = examples.query(case["endpoint"], case["query"], now=case["now"])
        body = result.to_xml() if xml else result.to_json()
        assert cli.returncode == 0, cli.stderr
        # The program ends its output with a line end (XML has its own).
        assert cli.stdout == (body if body.endswith("\n") else body + "\n")
        if xml:
            assert body == case["body"]
        else:
            assert json.loads(body) == case["body"]
            assert result.to_pylist() == case["body"]
    else:
        with pytest.raises(rai.InvalidQuery) as err:
            examples.query(case["endpoint"], case["query"], now=case["now"])
        assert str(err.value) == case["error"] == err.value.message
        assert err.value.parameter is not None
        assert cli.returncode == 2 and cli.stderr.strip() == case["error"]
