"""Shared fixtures: one build of the Luzhou plan per test session, in a temporary directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import os
import tempfile

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """The tests' plan-build cache and data stores go to a folder of their own, not the user's."""
    if "PLANKG_CACHE_DIR" not in os.environ:
        os.environ["PLANKG_CACHE_DIR"] = tempfile.mkdtemp(prefix="plankg-test-cache-")


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the default plan (what `plankg build --out DIR` writes)."""
    from plankg.build.pipeline import run_build

    out = tmp_path_factory.mktemp("build")
    run_build(out=out)
    return out


@pytest.fixture(scope="session")
def kb(build_dir: Path) -> Any:
    """The session's build opened as the knowledge base (queries in this process)."""
    from plankg.kb import KnowledgeBase

    return KnowledgeBase(build_dir)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of two plans of different cities and years: Luzhou 2014 and the Yibin 2015 test plan."""
    from plankg.build.pipeline import default_sources, run_build

    out = tmp_path_factory.mktemp("corpus")
    run_build([default_sources()[0], DATA / "plans" / "yibin-2015-education-work-plan.txt"], out=out)
    return out
