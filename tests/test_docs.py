"""The examples in docstrings run and say what they show."""

import doctest
import os
from pathlib import Path

import pytest

import storylens.pipeline
import storylens.settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("module", [storylens.pipeline, storylens.settings])
def test_docstring_examples(module, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name files under examples/
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
