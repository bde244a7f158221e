"""The README's Python section runs as written, against data `rai gen`
makes in an empty directory (as a new user's would be)."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess

from conftest import REPO


def readme_python_block() -> str:
    text = (REPO / "README.md").read_text()
    section = text.split("## Python (`crates/rai-py`)", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_readme_python_section_runs(tmp_path: pathlib.Path, rai_bin: str, capsys) -> None:
    subprocess.run(
        [rai_bin, "gen", "--out", str(tmp_path), "--contacts", "2000", "--format", "csv",
         "--now", "2026-02-01T00:00:00Z"],
        check=True, capture_output=True,
    )
    assert (tmp_path / "contacts.csv").exists()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        scope: dict = {}
        exec(compile(readme_python_block(), "README.md", "exec"), scope)
    finally:
        os.chdir(cwd)
    df, same = scope["df"], scope["same"]
    assert df.height > 0 and same.total > 0
    assert "queueName" in df.columns
