"""The wheel, installed into a fresh virtual environment, works from any folder: `companion --help`,
`companion console` for one turn, `companion locales status`; and it never writes into its own package."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds and installs a wheel (CI runs it, and .ci/run does the same by hand)

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str | Path, cwd: Path, env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_installed_wheel_runs_from_another_folder(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH (.ci/run installs it)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPANION_", "VIRTUAL_ENV", "PYTHON"))}
    run(uv, "build", "--wheel", "--out-dir", tmp_path / "dist", ROOT, cwd=tmp_path, env=env)
    wheel = next((tmp_path / "dist").glob("companion-*.whl"))
    run(uv, "venv", "--quiet", tmp_path / "venv", cwd=tmp_path, env=env)
    run(
        uv,
        "pip",
        "install",
        "--quiet",
        "--python",
        tmp_path / "venv" / "bin" / "python",
        wheel,
        cwd=tmp_path,
        env=env,
    )
    companion = tmp_path / "venv" / "bin" / "companion"
    elsewhere = tmp_path / "elsewhere"  # neither the repository nor the environment
    elsewhere.mkdir()
    env["COMPANION_DATABASE"] = str(elsewhere / "companion.db")

    assert "usage: companion" in run(companion, "--help", cwd=elsewhere, env=env)
    assert run(companion, "--version", cwd=elsewhere, env=env).startswith("companion ")
    turn = run(companion, "console", cwd=elsewhere, env=env, stdin="/help\n")
    assert "Einladungs-Link" in turn  # the help text from the installed catalogue (German by default)
    status = run(companion, "locales", "status", cwd=elsewhere, env=env)
    assert "de " in status and "uk " in status

    refused = subprocess.run(
        [companion, "locales", "new", "it"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2 and "COMPANION_CONTENT_DIR" in refused.stderr
    installed = next((tmp_path / "venv" / "lib").glob("python3*/site-packages/locales"))
    assert not (installed / "it").exists()
    own = tmp_path / "content"
    shutil.copytree(installed, own)
    created = run(
        companion, "locales", "new", "it", cwd=elsewhere, env={**env, "COMPANION_CONTENT_DIR": str(own)}
    )
    assert (own / "it" / "LC_MESSAGES" / "messages.po").exists() and str(own) in created
    assert "it " in run(
        companion, "locales", "status", cwd=elsewhere, env={**env, "COMPANION_CONTENT_DIR": str(own)}
    )
