"""Runs every derived dataset's SQL (src/derive/sql/*.sql) on a second engine over the
published tables, and compares the result with the dataset gazette wrote.

Usage: python sql_engines.py OUT_ROOT ENGINE    (ENGINE: duckdb | spark)

OUT_ROOT holds data/tables (single files or hive-partitioned folders) and data/derived.
The queries run in dependency order, each result registered under its dataset's name for
the queries after it, exactly as gazette's derive stage does. Values are compared after
normalising what legitimately differs between engines (integer widths, timestamp zones:
instants are compared in UTC). Prints one line per dataset; exits non-zero on the first
difference, naming dataset, row and column.
"""

import json
import pathlib
import sys

import pyarrow as pa
import pyarrow.parquet as pq

from gazette_sql import derived_queries, spark_dialect

ROOT = pathlib.Path(sys.argv[1])
ENGINE = sys.argv[2]
package = json.loads((ROOT / "data" / "datapackage.json").read_text())
stages = {r["name"]: r["gazette:stage"] for r in package["resources"]}


def source(name):
    """Path to scan for a normalized table: its file or its hive-partitioned folder."""
    folder = ROOT / "data" / "tables" / name
    return (folder, True) if folder.is_dir() else (ROOT / "data" / "tables" / f"{name}.parquet", False)


def normalise(table):
    """Columns as Python values comparable across engines."""
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        elif pa.types.is_integer(col.type):
            col = col.cast(pa.int64())
        elif pa.types.is_large_string(col.type) or pa.types.is_string_view(col.type):
            col = col.cast(pa.string())
        out[name] = col.to_pylist()
    return out


def compare(name, expected, got):
    e, g = normalise(expected), normalise(got)
    if expected.num_rows != got.num_rows:
        sys.exit(f"{ENGINE}: {name}: {got.num_rows} rows, gazette wrote {expected.num_rows}")
    for column in expected.column_names:
        if column not in g:
            sys.exit(f"{ENGINE}: {name}: no column {column}")
        for row, (a, b) in enumerate(zip(e[column], g[column])):
            if isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-9 * max(1.0, abs(a)):
                continue
            if a != b:
                sys.exit(f"{ENGINE}: {name}: row {row + 1}, column {column}: polars {a!r}, {ENGINE} {b!r}")


def run_duckdb(queries):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name, stage in stages.items():
        if stage != "normalize":
            continue
        path, partitioned = source(name)
        if partitioned:
            con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}/*/*.parquet', hive_partitioning = true)"
            )
        else:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    for name, sql in queries:
        got = con.sql(sql).to_arrow_table()
        con.register(f"{name}_result", got)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_result")
        yield name, got


def run_spark(queries):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("gazette-sql")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for name, stage in stages.items():
        if stage != "normalize":
            continue
        path, _ = source(name)
        spark.read.parquet(str(path)).createOrReplaceTempView(name)
    for name, sql in queries:
        df = spark.sql(spark_dialect(sql))
        df.createOrReplaceTempView(name)
        got = df.toArrow()
        yield name, got
    spark.stop()


queries = derived_queries(ROOT)
runner = {"duckdb": run_duckdb, "spark": run_spark}[ENGINE]
for name, got in runner(queries):
    expected = pq.read_table(ROOT / "data" / "derived" / f"{name}.parquet")
    compare(name, expected, got)
    print(f"{ENGINE}: {name}: {got.num_rows} rows identical")
