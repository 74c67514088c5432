"""The deployment lock file pins every declared dependency, at a version the declaration allows, with hashes.

`scripts/setup` installs from requirements-dev.lock with --require-hashes; a dependency added to
pyproject.toml without re-locking would be missing there. Re-lock with
`pip-compile --generate-hashes --allow-unsafe --extra dev --extra postgres --extra broker --strip-extras -o requirements-dev.lock pyproject.toml`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _locked() -> dict[str, tuple[str, bool]]:
    text = (ROOT / "requirements-dev.lock").read_text()
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\]+)", block)
        if match:
            pins[canonicalize_name(match.group(1))] = (match.group(2), "--hash=sha256:" in block)
    return pins


def test_every_declared_dependency_is_locked_with_hashes_at_an_allowed_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    declared += project["optional-dependencies"]["postgres"]
    declared += project["optional-dependencies"]["broker"]
    locked = _locked()
    assert len(locked) > 40  # the parser found the pins (positive control)
    problems = []
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{name}: not in the lock file")
            continue
        version, hashed = locked[name]
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{name}: locked {version}, declared {requirement.specifier}")
        if not hashed:
            problems.append(f"{name}: no hash")
    assert not problems, "\n".join(problems)
