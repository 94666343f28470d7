"""Scale-out on Apache Spark: the corpus pipeline as a PySpark job.

- `run_ingest(spark, input, out)`: articles in (JSON Lines or Parquet, any
  Hadoop-compatible URL), Parquet tables out; see `storylens.spark.job`.
- `get_session(master)`: a session that works on `local[*]` out of the box.
- `read_output(out)`: the tables back as the `stories`, `story` and
  `outlets` views, with pandas only.

pyspark is imported only when a session is made, so `read_output` works
without it.
"""

from .output import SparkOutput, read_output

__all__ = ["SparkOutput", "get_session", "read_output", "run_ingest"]


def get_session(*args, **kwargs):
    from .session import get_session as make

    return make(*args, **kwargs)


def run_ingest(spark, input, out, **kwargs):
    from .job import run_ingest as run

    return run(spark, input, out, **kwargs)
