"""A SparkSession that works out of the box on one machine and unchanged on a cluster.

The workers must import the same storylens as the driver and run the same
Python: both come from the driver's environment unless the caller (or the
cluster's spark-defaults) says otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys

from ..errors import StorylensError


class SparkUnavailable(StorylensError):
    """pyspark or a Java runtime is missing."""

    code = 8


def check_runtime() -> None:
    """Fail with an actionable message rather than a JVM stack trace."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable("pyspark is not installed; install it with: pip install 'storylens[spark]'") from None
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise SparkUnavailable("no Java runtime found (Spark needs Java 17 or 21); on Debian: "
                               "sudo apt-get install -y openjdk-17-jre-headless")


def get_session(master: str | None = None, *, app_name: str = "storylens",
                conf: dict[str, str] | None = None):
    """The active session, or a new one on `master` (default `local[*]`).

    Sets what a local run needs and a cluster ignores or overrides:
    - the executors' Python is the driver's (`PYSPARK_PYTHON`), so pandas UDFs
      and storylens import there;
    - the loopback address, so a laptop on a VPN or without DNS still starts;
    - few shuffle partitions: the defaults (200) make small runs slow, and
      `run_ingest` repartitions by data size where it matters.
    """
    check_runtime()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    master = master or os.environ.get("STORYLENS_SPARK_MASTER") or "local[*]"
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName(app_name)
    defaults = {
        "spark.sql.shuffle.partitions": "8",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
        "spark.python.worker.reuse": "true",
    }
    if master.startswith("local"):
        defaults["spark.driver.host"] = "127.0.0.1"
        defaults["spark.ui.enabled"] = "false"
    for key, value in {**defaults, **(conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
