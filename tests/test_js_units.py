"""The browser code's unit tests (``tests/js/*.test.mjs``, node's own test runner over jsdom), run in the suite."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from mapapp import REPO_ROOT


def test_the_js_unit_tests_pass() -> None:
    node = shutil.which("node")
    if node is None or not (REPO_ROOT / "node_modules" / "jsdom").is_dir():
        pytest.fail("node or node_modules/jsdom is missing. Fix: install Node.js 20+, then `npm ci` "
                    "(scripts/test.sh does it).", pytrace=False)
    run = subprocess.run([node, "--test", "tests/js/"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    summary = [line for line in run.stdout.splitlines() if line.startswith(("# pass", "# fail", "not ok"))]
    assert run.returncode == 0, "\n".join(summary) + "\n" + run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in summary and any(line.startswith("# pass ") and line != "# pass 0" for line in summary)
