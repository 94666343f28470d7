"""Read a Spark run's Parquet back: the same `stories`, `story` and `outlets`
views as the local store, with pandas and pyarrow only (no Spark, no JVM).

    >>> out = read_output("runs/allsides")            # doctest: +SKIP
    >>> out.stories()[0]["articles"]                   # doctest: +SKIP
    >>> out.story(1)["comparison"].facts               # doctest: +SKIP

Any Parquet reader works as well: every table is a plain directory of
Parquet files (`articles/`, `features/`, `stories/`, `comparisons/`,
`outlets/`, `rejects/<stage>/`).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path


def profiles_rows(pairs) -> list[dict]:
    """Outlet profiles as the local `storylens outlets` builds them
    (`storylens.outlets.profiles_from`), one JSON row per outlet."""
    from ..outlets import profiles_from

    return [{"outlet": p.outlet, "profile": json.dumps(p.to_dict(), default=str)} for p in profiles_from(pairs)]


# --- reading a run -------------------------------------------------------------------------

class SparkOutput:
    """The tables of one run directory, read lazily with pyarrow."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not (self.root / "stories" / "_SUCCESS").exists():
            from ..errors import BadInput
            raise BadInput(f"{self.root} holds no finished storylens Spark run (no stories/_SUCCESS)")

    def table(self, name: str, columns: list[str] | None = None):
        """One table as a pandas DataFrame (empty if the stage did not run)."""
        import pandas as pd
        import pyarrow.dataset as ds

        path = self.root / name
        if not (path.exists() and any(path.rglob("*.parquet"))):
            return pd.DataFrame(columns=columns or [])
        return ds.dataset(str(path), format="parquet", partitioning="hive").to_table(columns=columns).to_pandas()

    @cached_property
    def _stories(self):
        return self.table("stories").sort_values("seq")

    @cached_property
    def _articles(self):
        return self.table("articles", ["seq", "article_id", "outlet", "title", "date", "url"]).set_index("seq")

    def assignments(self) -> dict[str, int]:
        """article id -> story id."""
        return dict(zip(self._stories["article_id"], self._stories["story_id"].astype(int)))

    def stories(self) -> list[dict]:
        """Like `Store.list_stories`: id, title (of the article that started it),
        article ids in arrival order, outlets, first and last date."""
        joined = self._stories.join(self._articles[["outlet", "title", "date"]], on="seq")
        out = []
        for story, group in joined.groupby("story_id", sort=True):
            group = group.sort_values("seq")
            dates = [d for d in group["date"] if d is not None and d == d]
            out.append({"id": int(story), "title": group["title"].iloc[0],
                        "articles": list(group["article_id"]),
                        "outlets": list(dict.fromkeys(o for o in group["outlet"] if o)),
                        "first_date": min(dates) if dates else None,
                        "last_date": max(dates) if dates else None})
        return out

    def story(self, story_id: int) -> dict | None:
        """One story: its articles and, when it has two or more, its `Comparison`."""
        from ..models import Comparison

        members = self._stories[self._stories["story_id"] == story_id]
        if members.empty:
            return None
        articles = self._articles.loc[sorted(members["seq"])].reset_index()
        comparisons = self.table("comparisons", ["story_id", "comparison"])
        match = comparisons[comparisons["story_id"] == story_id] if len(comparisons) else comparisons
        comparison = Comparison.model_validate_json(match["comparison"].iloc[0]) if len(match) else None
        return {"id": int(story_id), "articles": articles.to_dict("records"), "comparison": comparison}

    def comparisons(self) -> dict[int, "Comparison"]:
        from ..models import Comparison

        table = self.table("comparisons", ["story_id", "comparison"])
        return {int(s): Comparison.model_validate_json(c) for s, c in zip(table["story_id"], table["comparison"])}

    def outlets(self) -> list[dict]:
        """Like `[p.to_dict() for p in storylens.outlets.outlet_profiles(store)]`."""
        table = self.table("outlets", ["outlet", "profile"])
        rows = [json.loads(p) for p in table["profile"]] if len(table) else []
        return sorted(rows, key=lambda r: (-r["articles"], r["outlet"]))

    def rejects(self):
        """Every rejected record with its stage and reason."""
        import pandas as pd

        frames = [self.table(f"rejects/{stage}").assign(stage=stage)
                  for stage in ("read", "signals", "features", "comparisons")]
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["stage", "where", "article_id", "reason", "record"])

    def result(self) -> dict:
        path = self.root / "_result.json"
        return json.loads(path.read_text()) if path.exists() else {}


def read_output(root: str | Path) -> SparkOutput:
    return SparkOutput(root)
