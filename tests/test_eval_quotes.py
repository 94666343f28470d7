"""The PolNeAR quote evaluation's gold rules and name matching (benchmarks/eval_quotes.py),
on invented rows in PolNeAR's shape."""

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import eval_quotes  # noqa: E402


def row(text: str, attributions: list[tuple[str, str]]) -> dict:
    """A PolNeAR-like row: each attribution is (source as written, quoted
    content), the content found in order in `text` and its source as the
    first whole word(s) after it."""
    out, at = [], 0
    for source, content in attributions:
        c = text.index(content, at)
        s = re.compile(rf"\b{re.escape(source)}\b").search(text, c + len(content)).start()
        out.append({"source": [s, s + len(source), source], "content": [c, c + len(content), content]})
        at = c + len(content)
    return {"id": "t", "text": text, "attributions": out}


# (text, [(source as written, quoted content)], gold speakers): a definite
# description, and 'he' after one, are the person named before.
DESCRIPTION_CASES = {
    "he after a description": (
        "Gov. Tom Reddick opened the county fair on Saturday.\n\n"
        "\u201cWe will build the bridge this year,\u201d Reddick said.\n\n"
        "\u201cIt is a fine day for the whole county,\u201d the Ohio governor said. "
        "\u201cThe bridge will be done by the end of May,\u201d he added.\n",
        [("Reddick", "We will build the bridge this year,"),
         ("the Ohio governor", "It is a fine day for the whole county,"),
         ("he", "The bridge will be done by the end of May,")],
        ["Reddick", "Reddick", "Reddick"]),
    "a party word ends a description": (
        "\u201cWe need rain more than money,\u201d Sen. Ada Brill said in Madison on Monday.\n\n"
        "\u201cThe farm bill is dead for this year,\u201d the Wisconsin Republican said.\n",
        [("Ada Brill", "We need rain more than money,"),
         ("the Wisconsin Republican", "The farm bill is dead for this year,")],
        ["Ada Brill", "Ada Brill"]),
}


@pytest.mark.parametrize("case", DESCRIPTION_CASES)
def test_a_description_is_the_person_named_before(case):
    text, attributions, expected = DESCRIPTION_CASES[case]
    assert [q["speaker"] for q in eval_quotes.Gold(row(text, attributions)).quotes] == expected


@pytest.mark.parametrize("a, b, same", [
    ("Donald Verrick", "Mr. Verrick", True),
    ("Anchor Dana Mills", "KXTV This Morning co-Anchor Dana Mills", True),
    ("Chief Williams", "Calvin Williams", True),
    ("Treasurer Gary Holt", "Union Secretary-Treasurer Gary Holt", True),
    ("Chief Williams", "Calvin Moore", False),
    ("Marian Holcott", "Bill Holcott", False),
])
def test_name_matching(a, b, same):
    assert eval_quotes.same_name(a, b) is same
