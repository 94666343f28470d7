"""Untrusted text made safe to show: one place for every renderer and ingest.

Article text and metadata come from strangers. Shown raw they can:

- drive the terminal: an ESC sequence in an `Outlet:` header can recolour,
  retitle or clear the reader's terminal (C0 and C1 control characters);
- reorder what is shown next to them: a bidirectional override (U+202E) at
  the start of an outlet name reverses the figures and words after it;
- break encoding: a lone surrogate (from JSON `"\\ud800"`) cannot be written
  as UTF-8 at all.

`clean_body` is applied once at ingest, so the body every offset refers to is
already clean. `clean_field` is for one-line metadata (outlet, title, URL,
speaker names...). `clean_comparison` applies `clean_field`'s rules to every
string a renderer shows, except the article bodies, whose offsets must not
move: renderers clean each piece of a body they show with `clean_body`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from .models import Article

# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Embeddings, overrides and isolates: unlike marks (U+200E/F) they open a
# level that lasts to the end of the paragraph, spilling onto what follows.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_SURROGATE = "\ud800-\udfff"

_BODY_DROP = re.compile(f"[{_CONTROL}]")
_FIELD_DROP = re.compile(f"[{_CONTROL}{BIDI_CONTROLS}]")
_SURROGATES = re.compile(f"[{_SURROGATE}]")
# Form feed and vertical tab separate text like a line break does.
_BREAKS = str.maketrans({"\f": "\n", "\v": "\n"})
_FIELD_SPACE = re.compile(r"[\s\u2028\u2029]+")


def clean_body(text: str) -> str:
    """An article body fit to store: lone surrogates become U+FFFD, form feeds
    and vertical tabs line breaks, and other control characters (except tab
    and newline) are dropped. Bidirectional controls stay: they are part of
    right-to-left text, and renderers isolate the body."""
    text = _SURROGATES.sub("\ufffd", text).translate(_BREAKS)
    return _BODY_DROP.sub("", text)


def clean_field(value: str | None) -> str | None:
    """One line of metadata fit to show: no control characters, no
    bidirectional embeddings, overrides or isolates, no lone surrogates, runs
    of white space (line breaks included) as one space. Empty becomes None."""
    if value is None:
        return None
    value = _FIELD_DROP.sub("", _SURROGATES.sub("\ufffd", value))
    return _FIELD_SPACE.sub(" ", value).strip() or None


def clean_display(text: str) -> str:
    """A string a renderer shows (a span's text, an explanation): the rules of
    `clean_field`, except that line breaks stay for the renderer to handle."""
    return _FIELD_DROP.sub("", _SURROGATES.sub("\ufffd", text.translate(_BREAKS)))


def clean_comparison(comparison):
    """A copy of a `Comparison` in which every string a renderer shows is clean.

    Article metadata gets `clean_field`, every other string `clean_display`.
    Article bodies stay as they are, because spans point into them by offset:
    renderers pass each piece of a body they show through `clean_body`. Ids
    are cleaned like everything else, so references still match.
    """
    return _clean(comparison)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_display(value)
    if isinstance(value, BaseModel):
        if isinstance(value, Article):
            update = {name: clean_field(getattr(value, name)) for name in ("outlet", "title", "url", "source")}
            update["id"] = clean_display(value.id) if value.id is not None else None
            return value.model_copy(update=update)
        return value.model_copy(update={name: _clean(getattr(value, name))
                                        for name in type(value).model_fields})
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value
