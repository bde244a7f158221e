#!/usr/bin/env bash
# The Python package's tests, as CI runs them: a fresh venv, `pip install`
# of this directory (maturin from PyPI builds the extension; pytest,
# pyarrow and polars come with the `test` extra, into this venv only), then
# pytest. The SPEC-example test compares with the `rai` program: $RAI_BIN,
# else target/release/rai (built if missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${RAI_PY_VENV:-$root/target/py-venv}"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$here[test]"
cd "$here"
"$venv/bin/python" -m pytest -q tests "$@"
