"""scripts/retry, through which every set-up step reaching a registry (apt, pip, npm) runs: a
one-off failure is tried again, one that stays fails with its own status, and no step waits on
standard input (CI has none to give)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import REPO

RETRY = str(REPO / "scripts" / "retry")


def retry(tmp_path: Path, script: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RETRY_PAUSES": "0 0"}  # the pauses between tries, 10 s and 30 s in use
    return subprocess.run(
        [RETRY, "sh", "-c", script],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_step_failing_once_is_tried_again_and_passes(tmp_path: Path) -> None:
    result = retry(tmp_path, "echo try; [ -e failed-once ] || { touch failed-once; exit 7; }")
    assert (result.returncode, result.stdout) == (0, "try\ntry\n")
    assert (
        result.stderr
        == "retry: 'sh -c echo try; [ -e failed-once ] || { touch failed-once; exit 7; }' failed (exit status 7); trying again in 0 s\n"
    )


def test_a_step_failing_every_time_fails_with_its_own_status_after_three_tries(tmp_path: Path) -> None:
    result = retry(tmp_path, "echo try; exit 7")
    assert (result.returncode, result.stdout) == (7, "try\ntry\ntry\n")
    assert (
        result.stderr.splitlines()[-1]
        == "retry: 'sh -c echo try; exit 7' failed 3 times (last exit status 7); giving up"
    )


def test_a_step_reads_no_standard_input(tmp_path: Path) -> None:
    assert retry(tmp_path, "cat", stdin="yes\n").stdout == ""
