"""Shared fixtures: the repository's SPEC examples and the `rai` program
(the CLI the Python answers are compared with)."""

from __future__ import annotations

import os
import pathlib
import subprocess

import pytest

import rai

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "tests" / "spec-examples"
TABLES = ["contacts", "agentIntervals", "agentStates", "agentStatusEvents", "users", "translations"]


def load_examples(engine: rai.Engine) -> None:
    """Loads the SPEC examples' data set, every table, as `rai query --data` does."""
    for table in TABLES:
        for ext in ("jsonl", "json", "csv"):
            path = EXAMPLES / "data" / f"{table}.{ext}"
            if path.exists():
                engine.load(table, path)


@pytest.fixture(scope="session")
def rai_bin() -> str:
    """The `rai` program: $RAI_BIN, else the workspace's release build (built if missing)."""
    path = os.environ.get("RAI_BIN") or str(REPO / "target" / "release" / "rai")
    if not os.path.exists(path):
        subprocess.run(["cargo", "build", "--release", "--bin", "rai"], cwd=REPO, check=True)
    return path


@pytest.fixture(scope="session")
def examples() -> rai.Engine:
    engine = rai.Engine()
    load_examples(engine)
    return engine
