"""gazette's derived-dataset SQL on engines other than polars.

`spark_dialect(sql)` rewrites the few spellings Spark SQL needs; DuckDB runs the queries
as they are. `derived_queries(root)` lists the queries in the order they must run (each
may use the datasets before it), from a build's data package.

    import sys; sys.path.insert(0, "tests/python")
    from gazette_sql import derived_queries, spark_dialect
    for name, sql in derived_queries("."):
        spark.sql(spark_dialect(sql)).createOrReplaceTempView(name)
"""

import json
import pathlib
import re
import sys

SQL_DIR = pathlib.Path(__file__).resolve().parents[2] / "src" / "derive" / "sql"


def derived_queries(root):
    """(name, sql) of every derived dataset, in registry order."""
    package = json.loads((pathlib.Path(root) / "data" / "datapackage.json").read_text())
    names = [r["name"] for r in package["resources"] if r["gazette:stage"] == "derive"]
    return [(n, (SQL_DIR / f"{n}.sql").read_text()) for n in names]


def spark_dialect(sql):
    """The spellings Spark SQL needs (documented in the README): Spark's COLLECT_LIST has
    no ORDER BY, so an ordered ARRAY_AGG sorts structs whose first fields are the keys."""
    # Comments may name functions too; they are not code to translate.
    sql = re.sub(r"--[^\n]*", "", sql)
    # ARRAY_AGG(DISTINCT x ORDER BY x): a sorted set.
    sql = re.sub(
        r"ARRAY_AGG\(DISTINCT ([\w.]+) ORDER BY \1\)",
        r"SORT_ARRAY(COLLECT_SET(\1))",
        sql,
    )
    # ARRAY_AGG(v ORDER BY k1 DESC, k2): sort (-k1, k2, v) structs, keep v.
    sql = re.sub(
        r"ARRAY_AGG\(([\w.]+) ORDER BY ([\w.]+) DESC, ([\w.]+)\)",
        r"TRANSFORM(SORT_ARRAY(COLLECT_LIST(NAMED_STRUCT('k1', -\2, 'k2', \3, 'v', \1))), s -> s.v)",
        sql,
    )
    # ARRAY_AGG(v ORDER BY k): sort (k, v) structs, keep v.
    sql = re.sub(
        r"ARRAY_AGG\(([\w.]+) ORDER BY ([\w.]+)\)",
        r"TRANSFORM(SORT_ARRAY(COLLECT_LIST(NAMED_STRUCT('k', \2, 'v', \1))), s -> s.v)",
        sql,
    )
    if re.search(r"ARRAY_AGG", sql, flags=re.I):
        sys.exit("spark: an ARRAY_AGG form the dialect shim does not translate")
    return sql


