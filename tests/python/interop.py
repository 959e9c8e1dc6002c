"""Opens every published table with one engine and checks what notebook users rely on.

Usage: python interop.py DATA_DIR ENGINE   (ENGINE: pyarrow | polars | duckdb | pandas)

For every resource of DATA_DIR/datapackage.json: the row count, each column's type as the
engine sees it (strings are plain strings, lists stay lists, timestamps keep their zone),
and, for pyarrow, the column descriptions in the Parquet schema metadata. Exits non-zero
with a message naming table and column on the first mismatch.
"""

import json
import pathlib
import sys

ZONE = "Asia/Shanghai"


def fail(table, column, message):
    sys.exit(f"{ENGINE}: {table}.{column}: {message}")


def check_pyarrow(path, res):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    if t.num_rows != res["rows"]:
        fail(res["name"], "*", f"{t.num_rows} rows, expected {res['rows']}")
    for f in res["schema"]["fields"]:
        af = t.schema.field(f["name"])
        ty = af.type
        ok = {
            "string": lambda: ty == pa.string(),
            "integer": lambda: ty in (pa.int32(), pa.int64()),
            "number": lambda: ty == pa.float64(),
            "boolean": lambda: ty == pa.bool_(),
            "datetime": lambda: pa.types.is_timestamp(ty) and ty.tz == ZONE and ty.unit == "us",
            "array": lambda: pa.types.is_list(ty),
        }[f["type"]]()
        if not ok:
            fail(res["name"], f["name"], f"type {ty} for a {f['type']} column")
        desc = (af.metadata or {}).get(b"description", b"").decode()
        if desc != f["description"]:
            fail(res["name"], f["name"], f"description {desc!r} in the Parquet schema")


def check_polars(path, res):
    import polars as pl

    df = pl.read_parquet(path)
    if df.height != res["rows"]:
        fail(res["name"], "*", f"{df.height} rows, expected {res['rows']}")
    for f in res["schema"]["fields"]:
        dt = df.schema[f["name"]]
        ok = {
            "string": lambda: dt == pl.String,
            "integer": lambda: dt in (pl.Int32, pl.Int64),
            "number": lambda: dt == pl.Float64,
            "boolean": lambda: dt == pl.Boolean,
            "datetime": lambda: dt == pl.Datetime("us", ZONE),
            "array": lambda: isinstance(dt, pl.List),
        }[f["type"]]()
        if not ok:
            fail(res["name"], f["name"], f"dtype {dt} for a {f['type']} column")


def check_duckdb(path, res):
    import duckdb

    con = duckdb.connect()
    n = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
    if n != res["rows"]:
        fail(res["name"], "*", f"{n} rows, expected {res['rows']}")
    types = {
        row[0]: row[1]
        for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    }
    for f in res["schema"]["fields"]:
        ty = types[f["name"]]
        ok = {
            "string": lambda: ty == "VARCHAR",
            "integer": lambda: ty in ("INTEGER", "BIGINT"),
            "number": lambda: ty == "DOUBLE",
            "boolean": lambda: ty == "BOOLEAN",
            "datetime": lambda: ty == "TIMESTAMP WITH TIME ZONE",
            "array": lambda: ty.endswith("[]"),
        }[f["type"]]()
        if not ok:
            fail(res["name"], f["name"], f"type {ty} for a {f['type']} column")


def check_pandas(path, res):
    import pandas as pd
    import numpy as np

    df = pd.read_parquet(path)
    if len(df) != res["rows"]:
        fail(res["name"], "*", f"{len(df)} rows, expected {res['rows']}")
    for f in res["schema"]["fields"]:
        s = df[f["name"]]
        dt = s.dtype
        present = s.dropna()
        first = present.iloc[0] if len(present) else None
        if f["type"] == "datetime":
            ok = isinstance(dt, pd.DatetimeTZDtype) and str(dt.tz) == ZONE
        elif f["type"] == "array":
            ok = dt == object and (first is None or isinstance(first, (list, np.ndarray)))
        elif f["type"] == "string":
            ok = (dt == object or pd.api.types.is_string_dtype(dt)) and (first is None or isinstance(first, str))
        elif f["type"] == "integer":
            # pandas' default NumPy backend has no null integers: a column with nulls
            # becomes float64 (NaN for null), which is pandas' documented behaviour.
            ok = pd.api.types.is_integer_dtype(dt) or (
                pd.api.types.is_float_dtype(dt)
                and s.isna().any()
                and bool((present == present.round()).all())
            )
        elif f["type"] == "number":
            ok = pd.api.types.is_float_dtype(dt)
        else:
            ok = pd.api.types.is_bool_dtype(dt)
        if not ok:
            fail(res["name"], f["name"], f"dtype {dt} for a {f['type']} column")


ENGINE = sys.argv[2]
data = pathlib.Path(sys.argv[1])
package = json.loads((data / "datapackage.json").read_text())
check = globals()[f"check_{ENGINE}"]
for res in package["resources"]:
    check(data / res["path"], res)
print(json.dumps({"engine": ENGINE, "tables": len(package["resources"])}))
