"""`run_ingest`: the corpus pipeline as a Spark job, stage by stage.

    read ─► articles ─► signals ─► blocks ─► stories ─► comparisons ─► outlets
                └──────► features ─────────────────────────┘

Every stage writes Parquet under the output directory and is skipped on a
re-run once its `_SUCCESS` marker is there, so a failed or interrupted job
resumes from the last stage (for features, the last chunk) it finished.
Nothing in a stage depends on how rows are partitioned: positions in the
input stream (`seq`) order every sequential decision.

A bad record never fails the job: it is counted and written to
`rejects/<stage>/` with the reason, and the job goes on without it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
import traceback
from dataclasses import asdict, dataclass, field
from typing import Iterator

from .. import __version__
from ..stories import StorySettings
from .blocks import BlockSettings

MANIFEST = "_storylens.json"
FEATURE_CHUNK = 50_000       # articles per resumable unit of the features stage
DRIVER_EDGES = 2_000_000     # up to this many block edges, components are found on the driver
REJECT_RECORD_CHARS = 2_000  # how much of a bad record the rejects file keeps


@dataclass
class IngestResult:
    out: str
    articles: int = 0
    rejects: dict[str, int] = field(default_factory=dict)
    stories: int = 0
    blocks: int = 0
    largest_block: int = 0
    comparisons: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


# --- paths on any Hadoop file system ---------------------------------------------------

class _FS:
    """Existence checks and small files through Spark's Hadoop client, so the
    output can be a local path, hdfs://, s3a://, gs://… alike."""

    def __init__(self, spark, root: str) -> None:
        jvm = spark.sparkContext._jvm
        self._Path = jvm.org.apache.hadoop.fs.Path
        self.root = root.rstrip("/")
        self.fs = self._Path(self.root).getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        self._jvm = jvm

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def done(self, *parts: str) -> bool:
        return self.fs.exists(self._Path(self.path(*parts, "_SUCCESS")))

    def read_text(self, name: str) -> str | None:
        p = self._Path(self.path(name))
        if not self.fs.exists(p):
            return None
        stream = self.fs.open(p)
        reader = self._jvm.java.io.BufferedReader(self._jvm.java.io.InputStreamReader(stream, "UTF-8"))
        lines = []
        while (line := reader.readLine()) is not None:
            lines.append(line)
        reader.close()
        return "\n".join(lines)

    def write_text(self, name: str, text: str) -> None:
        stream = self.fs.create(self._Path(self.path(name)), True)
        stream.write(bytearray(text.encode("utf-8")))
        stream.close()


# --- the job -------------------------------------------------------------------------------

def run_ingest(spark, input: str, out: str, *, fmt: str | None = None,
               story_settings: StorySettings = StorySettings(),
               block_settings: BlockSettings = BlockSettings(),
               features: bool = True, comparisons: bool = True, batch_size: int = 16,
               partitions: int | None = None, log=None) -> IngestResult:
    """Run every stage on `input` (JSON Lines or Parquet articles) into `out`.

    `features=False` stops after story assignment (no parse: fast, and enough
    for the `stories` view); `comparisons=False` keeps the features but skips
    the story phase. Re-running with the same arguments resumes.
    """
    say = log or (lambda message: None)
    fs = _FS(spark, out)
    fmt = fmt or ("parquet" if input.rstrip("/").endswith((".parquet", ".pq")) else "jsonl")
    _check_manifest(fs, input, fmt, story_settings, block_settings)
    result = IngestResult(out=out)
    parts = partitions or spark.sparkContext.defaultParallelism

    def stage(name, fn):
        if fs.done(name):
            result.skipped.append(name)
            say(f"{name}: already written, skipped")
            return
        start = time.perf_counter()
        fn()
        result.seconds[name] = round(time.perf_counter() - start, 2)
        say(f"{name}: {result.seconds[name]} s")

    stage("articles", lambda: _read_stage(spark, fs, input, fmt, parts))
    articles = spark.read.parquet(fs.path("articles"))
    result.articles = articles.count()
    stage("signals", lambda: _signals_stage(spark, fs, articles, story_settings, parts))
    signals = spark.read.parquet(fs.path("signals"))
    stage("blocks", lambda: _blocks_stage(spark, fs, signals, story_settings, block_settings))
    blocks = spark.read.parquet(fs.path("blocks"))
    stage("stories", lambda: _stories_stage(spark, fs, signals, blocks, story_settings))
    stories = spark.read.parquet(fs.path("stories"))
    if features:
        start = time.perf_counter()
        ran = _features_stage(spark, fs, articles, result.articles, batch_size, parts, say)
        if ran:
            result.seconds["features"] = round(time.perf_counter() - start, 2)
        else:
            result.skipped.append("features")
        if comparisons:
            stage("comparisons", lambda: _comparisons_stage(spark, fs, stories, parts))
            stage("outlets", lambda: _outlets_stage(spark, fs))
            result.comparisons = spark.read.parquet(fs.path("comparisons")).count()
    sizes = blocks.groupBy("block").count()
    result.blocks = sizes.count()
    result.largest_block = sizes.agg({"count": "max"}).first()[0] or 0
    result.stories = stories.select("story_id").distinct().count()
    result.rejects = _reject_counts(spark, fs)
    fs.write_text("_result.json", json.dumps(asdict(result), indent=2))
    return result


def _check_manifest(fs: _FS, input: str, fmt: str, story: StorySettings, block: BlockSettings) -> None:
    """A directory holds one run: resuming it with another input or other
    settings would mix two corpora, so that is refused."""
    from ..errors import UsageError

    manifest = {"input": input, "format": fmt, "stories": asdict(story), "blocks": asdict(block),
                "storylens": __version__}
    text = fs.read_text(MANIFEST)
    if text is None:
        fs.fs.mkdirs(fs._Path(fs.root))
        fs.write_text(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        return
    old = json.loads(text)
    for key in ("input", "format", "stories", "blocks"):
        if old.get(key) != manifest[key]:
            raise UsageError(f"{fs.root} holds a run with another {key} ({old.get(key)!r}); "
                             "use a new output directory to start over")


# --- read ----------------------------------------------------------------------------------

def _read_stage(spark, fs: _FS, input: str, fmt: str, parts: int) -> None:
    from pyspark.sql import functions as F

    if fmt == "parquet":
        raw = spark.read.parquet(input).rdd.map(lambda row: row.asDict(recursive=True))
        records = raw.zipWithIndex().map(lambda pair: (pair[1], pair[0], None))
    else:
        # textFile keeps the file order in partition order, so zipWithIndex is
        # the line position: the arrival order the local mode reads.
        lines = spark.sparkContext.textFile(input)
        records = lines.zipWithIndex().map(lambda pair: (pair[1], None, pair[0]))
    label = input
    parsed = records.mapPartitions(lambda rows: _parse_records(rows, label)).cache()
    ok = parsed.filter(lambda r: r[0] == "ok").map(lambda r: r[1])
    bad = parsed.filter(lambda r: r[0] == "bad").map(lambda r: r[1])
    df = spark.createDataFrame(ok, _article_schema(with_seq=False))
    # As the local ingest (storylens.corpus_ingest): the first copy of a text
    # or URL in the stream is kept and later ones are duplicates; an id used
    # by an earlier, different article gets a suffix (id-2, id-3…).
    from pyspark.sql.window import Window

    by = lambda *cols: Window.partitionBy(*cols).orderBy("idx")  # noqa: E731
    df = (df.withColumn("_h", F.row_number().over(by("content_hash")))
          .withColumn("_u", F.when(F.col("url").isNull(), 1).otherwise(F.row_number().over(by("url")))))
    dupes = df.where("_h > 1 or _u > 1").select(
        F.lit("read").alias("stage"), F.concat(F.lit("line "), (F.col("idx") + 1).cast("string")).alias("where"),
        "article_id", F.when(F.col("_h") > 1, F.lit("duplicate: the same text came earlier"))
        .otherwise(F.lit("duplicate: the same URL came earlier")).alias("reason"),
        F.substring("text", 1, REJECT_RECORD_CHARS).alias("record"))
    kept = df.where("_h = 1 and _u = 1").withColumn("_n", F.row_number().over(by("article_id")))
    kept = kept.withColumn("article_id", F.when(F.col("_n") == 1, F.col("article_id"))
                           .otherwise(F.concat("article_id", F.lit("-"), F.col("_n").cast("string"))))
    cols = ["idx", "article_id", "outlet", "title", "date", "url", "source", "text", "content_hash"]
    # seq: the dense position among accepted articles, which is what the local
    # index counts as "articles so far".
    ordered = kept.select(*cols).rdd.sortBy(lambda r: r["idx"]).zipWithIndex().map(
        lambda pair: (pair[1], *[pair[0][c] for c in cols[1:]]))
    articles = spark.createDataFrame(ordered, _article_schema(with_seq=True)).cache()
    n = max(parts, math.ceil(articles.count() / 20_000))
    articles.repartitionByRange(n, "seq").write.mode("overwrite").parquet(fs.path("articles"))
    rejects = spark.createDataFrame(bad, _reject_schema()).unionByName(dupes)
    rejects.coalesce(1).write.mode("overwrite").parquet(fs.path("rejects", "read"))
    articles.unpersist()
    parsed.unpersist()


def _parse_records(rows, label: str) -> Iterator[tuple]:
    """One input record -> ('ok', article row) or ('bad', reject row), the
    article built exactly as `storylens.ingest` builds it from JSON."""
    from ..errors import StorylensError
    from ..ingest import _records_to_articles
    from ..store import content_hash

    for idx, record, line in rows:
        where = f"line {idx + 1}" if line is not None else f"row {idx + 1}"
        try:
            if line is not None:
                if idx == 0:
                    line = line.lstrip("\ufeff")
                if not line.strip():
                    continue
                record = json.loads(line)
            if isinstance(record, dict) and isinstance(record.get("date"), (dt.date, dt.datetime)):
                record = {**record, "date": record["date"].isoformat()}
            article = _records_to_articles([(where, record)], label, label)[0]
            aid = article.id or "a" + content_hash(article.text)[:12]
            yield ("ok", (idx, aid, article.outlet, article.title, article.date, article.url,
                          article.source, article.text, content_hash(article.text)))
        except (StorylensError, ValueError, TypeError) as exc:
            raw = line if line is not None else json.dumps(record, default=str)
            message = str(exc).replace(f"{label}, ", "")
            yield ("bad", ("read", where, None, f"{type(exc).__name__}: {message}",
                           (raw or "")[:REJECT_RECORD_CHARS]))


def _article_schema(with_seq: bool):
    from pyspark.sql.types import DateType, LongType, StringType, StructField, StructType

    first = [StructField("seq" if with_seq else "idx", LongType(), False)]
    return StructType(first + [
        StructField("article_id", StringType(), False), StructField("outlet", StringType()),
        StructField("title", StringType()), StructField("date", DateType()),
        StructField("url", StringType()), StructField("source", StringType()),
        StructField("text", StringType(), False), StructField("content_hash", StringType(), False)])


def _reject_schema():
    from pyspark.sql.types import StringType, StructField, StructType

    return StructType([StructField(n, StringType()) for n in ("stage", "where", "article_id", "reason", "record")])


def _reject_counts(spark, fs: _FS) -> dict[str, int]:
    counts = {}
    for stage in ("read", "signals", "features", "comparisons"):
        if fs.fs.exists(fs._Path(fs.path("rejects", stage))):
            counts[stage] = spark.read.schema(_reject_schema()).parquet(fs.path("rejects", stage)).count()
    return counts


def _rows_to_articles(rows) -> list:
    from ..models import Article

    return [Article(id=r["article_id"], outlet=r["outlet"], title=r["title"], date=r["date"],
                    url=r["url"], source=r["source"], text=r["text"]) for r in rows]


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500] or type(exc).__name__


def _in_batches(rows: Iterator, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _contained(batch: list, work, stage: str) -> Iterator[tuple]:
    """`work(rows)` on a batch; if the batch fails, on each row alone, so one
    bad article costs itself only. Yields ('ok', out) or ('bad', reject)."""
    try:
        for out in work(batch):
            yield ("ok", out)
        return
    except Exception:  # noqa: BLE001 - the reason goes to the rejects file
        pass
    for row in batch:
        try:
            for out in work([row]):
                yield ("ok", out)
        except Exception as exc:  # noqa: BLE001
            yield ("bad", (stage, f"seq {row['seq']}", row["article_id"], _reason(exc),
                           (row["text"] or "")[:REJECT_RECORD_CHARS]))


# --- signals -----------------------------------------------------------------------------------

def _signals_stage(spark, fs: _FS, articles, settings: StorySettings, parts: int) -> None:
    from pyspark.sql.types import BinaryType, DateType, LongType, StringType, StructField, StructType

    def partition(rows):
        from ..stories import compute_signals
        from .blocks import encode_signals

        def work(batch):
            sigs = compute_signals(_rows_to_articles(batch), settings, [str(r["seq"]) for r in batch])
            return [(r["seq"], r["article_id"], r["date"], r["title"], r["outlet"], encode_signals(s))
                    for r, s in zip(batch, sigs)]

        for batch in _in_batches(rows, 256):
            yield from _contained(batch, work, "signals")

    done = articles.rdd.mapPartitions(partition).cache()
    schema = StructType([StructField("seq", LongType(), False), StructField("article_id", StringType()),
                         StructField("date", DateType()), StructField("title", StringType()),
                         StructField("outlet", StringType()), StructField("signals", BinaryType())])
    spark.createDataFrame(done.filter(lambda r: r[0] == "bad").map(lambda r: r[1]), _reject_schema()) \
        .coalesce(1).write.mode("overwrite").parquet(fs.path("rejects", "signals"))
    spark.createDataFrame(done.filter(lambda r: r[0] == "ok").map(lambda r: r[1]), schema) \
        .write.mode("overwrite").parquet(fs.path("signals"))
    done.unpersist()


# --- blocks --------------------------------------------------------------------------------------

def _blocks_stage(spark, fs: _FS, signals, settings: StorySettings, block: BlockSettings) -> None:
    """Connected components of the could-be-related graph (see `blocks`)."""
    import pandas as pd
    from pyspark.sql import functions as F

    from .blocks import band_keys, components, jaccard, similar_pairs

    edge_schema = "a long, b long"
    # 1. MinHash LSH: articles sharing a band, kept if their estimated Jaccard
    # reaches the near-duplicate threshold (what the local index checks).
    bands = signals.select("seq", "signals").rdd.flatMap(
        lambda r: [(k, r["seq"]) for k in band_keys(r["signals"], settings)]).toDF("band long, seq long")
    pairs = (bands.alias("x").join(bands.alias("y"), "band").where(F.col("x.seq") < F.col("y.seq"))
             .select(F.col("x.seq").alias("a"), F.col("y.seq").alias("b")).distinct())
    sig = signals.select("seq", "signals")
    threshold = settings.near_duplicate

    @F.udf("double")
    def jac(x, y):
        return jaccard(x, y)

    lsh = (pairs.join(sig.withColumnRenamed("seq", "a").withColumnRenamed("signals", "sa"), "a")
           .join(sig.withColumnRenamed("seq", "b").withColumnRenamed("signals", "sb"), "b")
           .where(jac("sa", "sb") >= threshold).select("a", "b"))

    # 2. Vector cosine within the date window: each article meets the
    # articles of the days within `window_days` of its own, day by day.
    w = settings.window_days
    dated = signals.where(F.col("date").isNotNull()).select("seq", "date", "signals")
    left = dated.withColumn("day", F.col("date"))
    right = dated.withColumn("day", F.explode(F.sequence(F.date_sub("date", w), F.date_add("date", w),
                                                         F.expr("interval 1 day"))))

    def day_pairs(lp: pd.DataFrame, rp: pd.DataFrame) -> pd.DataFrame:
        found = similar_pairs(list(zip(lp["seq"], lp["signals"])), list(zip(rp["seq"], rp["signals"])),
                              settings, block)
        return pd.DataFrame(found, columns=["a", "b"], dtype="int64")

    window = (left.groupBy("day").cogroup(right.groupBy("day"))
              .applyInPandas(day_pairs, schema=edge_schema))
    edges = lsh.unionByName(window)
    # Articles without a date compete with every story, so they meet everyone:
    # one task holding the whole stream, run only when there are such articles.
    undated = signals.where(F.col("date").isNull()).select("seq", "signals").withColumn("k", F.lit(0))
    if undated.limit(1).count():
        everyone = signals.select("seq", "signals").withColumn("k", F.lit(0))

        def any_pairs(lp: pd.DataFrame, rp: pd.DataFrame) -> pd.DataFrame:
            found = similar_pairs(list(zip(lp["seq"], lp["signals"])), list(zip(rp["seq"], rp["signals"])),
                                  settings, block, ordered=False)
            return pd.DataFrame(found, columns=["a", "b"], dtype="int64")

        edges = edges.unionByName(undated.groupBy("k").cogroup(everyone.groupBy("k"))
                                  .applyInPandas(any_pairs, schema=edge_schema))
    edges = edges.distinct().cache()
    vertices = signals.select("seq")
    if edges.count() <= DRIVER_EDGES:
        comp = components(((r["a"], r["b"]) for r in edges.toLocalIterator()),
                          (r["seq"] for r in vertices.toLocalIterator()))
        labels = spark.createDataFrame(list(comp.items()), "seq long, block long")
    else:
        labels = distributed_components(spark, edges, vertices)
    labels.write.mode("overwrite").parquet(fs.path("blocks"))
    edges.unpersist()


def distributed_components(spark, edges, vertices, max_rounds: int = 100):
    """Connected components as (seq, block = smallest seq of the component):
    min-label propagation with pointer jumping, for edge lists too large for
    the driver. Tests run it on small graphs (see tests/test_spark.py)."""
    from pyspark.sql import functions as F

    both = edges.select("a", "b").unionByName(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    labels = vertices.select("seq", F.col("seq").alias("block")).localCheckpoint()
    for _ in range(max_rounds):
        offered = both.join(labels.withColumnRenamed("seq", "a"), "a").select(F.col("b").alias("seq"), "block")
        lowest = labels.unionByName(offered).groupBy("seq").agg(F.min("block").alias("block"))
        # Pointer jumping: take the label of one's label, halving chains.
        jumped = (lowest.alias("x").join(lowest.alias("y"), F.col("x.block") == F.col("y.seq"))
                  .select(F.col("x.seq").alias("seq"), F.col("y.block").alias("block"))).localCheckpoint()
        changed = (jumped.alias("n").join(labels.alias("o"), "seq")
                   .where(F.col("n.block") != F.col("o.block")).limit(1).count())
        labels = jumped
        if not changed:
            return labels
    raise RuntimeError(f"components did not converge in {max_rounds} rounds")


# --- stories ----------------------------------------------------------------------------------

def _stories_stage(spark, fs: _FS, signals, blocks, settings: StorySettings) -> None:
    """The local rule inside each block, with stream-wide word counts."""
    import pandas as pd
    from pyspark.sql import functions as F

    from .blocks import assign_block, day_tokens, signal_tokens

    members = signals.join(blocks, "seq")
    # Postings: every (kind, word, seq) the rule counts: names ('n'), terms
    # ('t'), and the days an article makes denser ('d').
    postings = signals.select("seq", "date", "signals").rdd.flatMap(
        lambda r: [("n", w, r["seq"]) for w in signal_tokens(r["signals"])[0]]
        + [("t", w, r["seq"]) for w in signal_tokens(r["signals"])[1]]
        + [("d", w, r["seq"]) for w in day_tokens(r["date"], settings)]).toDF("kind string, word string, seq long")
    ranges = members.groupBy("block").agg(F.min("seq").alias("lo"), F.max("seq").alias("hi"))
    # A second read of the blocks table: Spark refuses to join a table's
    # descendants with each other on its own columns (ambiguous self-join).
    blocks_again = spark.read.parquet(fs.path("blocks"))
    wanted = (postings.join(blocks_again, "seq").select("block", "kind", "word").distinct().join(ranges, "block"))
    # For each word of a block: how many articles had it before the block
    # starts, and where it occurs (in any block) until the block ends.
    stats = (wanted.join(postings.withColumnRenamed("seq", "p"), ["kind", "word"])
             .where(F.col("p") <= F.col("hi"))
             .groupBy("block", "kind", "word")
             .agg(F.sum(F.when(F.col("p") < F.col("lo"), 1).otherwise(0)).alias("base"),
                  F.sort_array(F.collect_list(F.when(F.col("p") >= F.col("lo"), F.col("p")))).alias("seqs")))

    def run(rows: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
        tables = {"n": {}, "t": {}, "d": {}}
        for kind, word, base, seqs in zip(counts["kind"], counts["word"], counts["base"], counts["seqs"]):
            tables[kind][word] = (int(base), [int(s) for s in seqs])
        records = [{"seq": int(s), "article_id": a, "date": d if isinstance(d, dt.date) and not pd.isna(d) else None,
                    "title": t if isinstance(t, str) else None, "outlet": o if isinstance(o, str) else None,
                    "signals": bytes(g)}
                   for s, a, d, t, o, g in zip(rows["seq"], rows["article_id"], rows["date"], rows["title"],
                                               rows["outlet"], rows["signals"])]
        out = pd.DataFrame(assign_block(records, tables["n"], tables["t"], settings, tables["d"]),
                           columns=["seq", "article_id", "created", "story_seq", "reason", "score"])
        out["block"] = int(rows["block"].iloc[0])
        return out

    schema = ("seq long, article_id string, created boolean, story_seq long, reason string, "
              "score double, block long")
    decided = (members.groupBy("block").cogroup(stats.groupBy("block"))
               .applyInPandas(run, schema=schema)).cache()
    # Story ids as the local index numbers them: by the order stories were
    # created in the whole stream (merged-away stories used up an id too).
    created = decided.where("created").select("seq").rdd.map(lambda r: r[0]).sortBy(lambda s: s) \
        .zipWithIndex().map(lambda p: (p[0], p[1] + 1)).toDF("story_seq long, story_id long")
    stories = decided.join(created, "story_seq").select("article_id", "seq", "story_id", "block", "reason", "score")
    stories.write.mode("overwrite").parquet(fs.path("stories"))
    decided.unpersist()


# --- features ----------------------------------------------------------------------------------

def _features_stage(spark, fs: _FS, articles, total: int, batch_size: int, parts: int, say) -> bool:
    """The article phase in chunks of `FEATURE_CHUNK` articles, each written
    with its own marker: a re-run redoes only the unfinished chunks."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, IntegerType, LongType, StringType, StructField, StructType

    schema = StructType([StructField("article_id", StringType(), False), StructField("seq", LongType(), False),
                         StructField("version", IntegerType(), False), StructField("data", BinaryType(), False)])

    def partition(rows):
        # One model load per worker process (cached by storylens.analyze),
        # shared by every batch of every partition it runs; never per row.
        from ..features import FEATURES_VERSION, analyze_articles

        def work(batch):
            return [(f.id, r["seq"], FEATURES_VERSION, f.to_bytes())
                    for r, f in zip(batch, analyze_articles(_rows_to_articles(batch), batch_size=batch_size))]

        for batch in _in_batches(rows, batch_size):
            yield from _contained(batch, work, "features")

    ran = False
    chunks = max(1, math.ceil(total / FEATURE_CHUNK))
    for chunk in range(chunks):
        name = f"chunk={chunk:05d}"
        if fs.done("features", name):
            continue
        ran = True
        part = articles.where((F.col("seq") >= chunk * FEATURE_CHUNK) & (F.col("seq") < (chunk + 1) * FEATURE_CHUNK))
        n = min(max(parts, math.ceil(min(total, FEATURE_CHUNK) / 500)), 400)
        done = part.repartitionByRange(n, "seq").rdd.mapPartitions(partition).cache()
        spark.createDataFrame(done.filter(lambda r: r[0] == "bad").map(lambda r: r[1]), _reject_schema()) \
            .coalesce(1).write.mode("overwrite").parquet(fs.path("rejects", "features", name))
        spark.createDataFrame(done.filter(lambda r: r[0] == "ok").map(lambda r: r[1]), schema) \
            .write.mode("overwrite").parquet(fs.path("features", name))
        done.unpersist()
        say(f"features {name}: written")
    return ran


# --- comparisons -------------------------------------------------------------------------------

def _comparisons_stage(spark, fs: _FS, stories, parts: int) -> None:
    """The story phase on each story of two or more analysed articles."""
    import pandas as pd
    from pyspark.sql import functions as F

    feats = spark.read.parquet(fs.path("features")).select("article_id", "data")
    sizes = stories.groupBy("story_id").count().where("count >= 2").select("story_id")
    rows = stories.join(sizes, "story_id").join(feats, "article_id").select("story_id", "seq", "article_id", "data")

    def compare(group: pd.DataFrame) -> pd.DataFrame:
        from ..features import ArticleFeatures
        from ..pipeline import compare_features

        group = group.sort_values("seq")
        story = int(group["story_id"].iloc[0])
        ids = [str(i) for i in group["article_id"]]
        base = {"story_id": story, "article_ids": ids, "n_articles": len(ids)}
        if len(ids) < 2:   # the others' features were rejected
            return pd.DataFrame([])
        try:
            c = compare_features([ArticleFeatures.from_bytes(bytes(d)) for d in group["data"]])
        except Exception as exc:  # noqa: BLE001 - recorded, the job goes on
            return pd.DataFrame([{**base, "comparison": None, "passages": 0, "facts": 0, "conflicts": 0,
                                  "error": _reason(exc) + " | " + traceback.format_exc(limit=3)[-500:]}])
        return pd.DataFrame([{**base, "comparison": c.to_json(indent=None), "passages": len(c.passages),
                              "facts": len(c.facts), "conflicts": sum(f.status == "conflict" for f in c.facts),
                              "error": None}])

    schema = ("story_id long, article_ids array<string>, n_articles long, comparison string, "
              "passages long, facts long, conflicts long, error string")
    n = max(parts, 1)
    done = rows.repartition(n, "story_id").groupBy("story_id").applyInPandas(compare, schema=schema).cache()
    done.where("error is not null").select(
        F.lit("comparisons").alias("stage"), F.concat(F.lit("story "), F.col("story_id").cast("string")).alias("where"),
        F.lit(None).cast("string").alias("article_id"), F.col("error").alias("reason"),
        F.array_join("article_ids", " ").alias("record")).coalesce(1).write.mode("overwrite") \
        .parquet(fs.path("rejects", "comparisons"))
    done.where("error is null").drop("error").write.mode("overwrite").parquet(fs.path("comparisons"))
    done.unpersist()


def _outlets_stage(spark, fs: _FS) -> None:
    """Outlet profiles from the comparisons of stories that two or more
    outlets reported, with the local mode's own function. Comparisons stream
    to the driver one at a time; profiles are one small record per outlet."""
    from pyspark.sql import functions as F

    from ..models import Comparison
    from .output import profiles_rows

    comparisons = spark.read.parquet(fs.path("comparisons")).select("story_id", "comparison")
    articles = spark.read.parquet(fs.path("articles")).select("article_id", "outlet")
    members = spark.read.parquet(fs.path("stories")).join(articles, "article_id")
    shared = members.groupBy("story_id").agg(F.countDistinct("outlet").alias("outlets")) \
        .where("outlets >= 2").select("story_id")
    # profiles_from reads only the story's id (for unique facts).
    pairs = (({"id": int(r["story_id"])}, Comparison.model_validate_json(r["comparison"]))
             for r in comparisons.join(shared, "story_id").orderBy("story_id").toLocalIterator())
    rows = profiles_rows(pairs)
    schema = "outlet string, profile string"
    spark.createDataFrame(rows, schema).coalesce(1).write.mode("overwrite").parquet(fs.path("outlets"))



