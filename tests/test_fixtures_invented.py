"""Test text is invented: no string literal in tests/ copies a real article.

Real articles (the seed pair and the datasets in ../shared) may be read at test
time but never written into the repository. Round 8 found 60 test literals
that were real sentences with the names swapped; this keeps them out.
"""

import ast
import json

import pytest

from conftest import ROOT, SHARED

# characters: longer than the stock phrases of news writing that invented text
# shares with real articles ('issued a statement saying', 'during an appearance
# on'), shorter than any copied sentence
WINDOW = 50


@pytest.fixture(scope="module")
def shared_text() -> str:
    data = sorted((SHARED / "data").glob("*.jsonl"))
    if not data:
        pytest.skip("../shared/data is absent: nothing to compare the tests' text with")
    texts = [json.loads(line).get("text", "") for path in data for line in path.open(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    return "\n".join(texts)


def _literals(path):
    """Every string constant of the module at least WINDOW long (implicitly
    joined literals arrive as one)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= WINDOW:
            yield node.lineno, node.value


def test_no_test_literal_copies_real_article_text(shared_text):
    copied = [f"{path.name}:{line}: {text[:60]!r}"
              for path in sorted((ROOT / "tests").glob("*.py"))
              for line, text in _literals(path)
              if any(text[k:k + WINDOW] in shared_text for k in range(0, len(text) - WINDOW + 1, 5))]
    assert not copied, "test text copied from real articles:\n" + "\n".join(copied)
