"""Checks that readers show each article's published_at as the time its export gave.

Usage: python time_zone.py ARTICLES_PARQUET

The fixture's titles end with the local time of their source line (`上海时间 1988-07-01
12:00`). pandas (through pyarrow) and polars convert `published_at` to its zone,
Asia/Shanghai, by their own time zone database; each must show the title's time, in
Shanghai's summer time too. Exits non-zero naming the first article that differs.
"""

import json
import sys


def main(path):
    import pandas as pd
    import polars as pl
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["title", "published_at"])
    want = [t.removeprefix("上海时间 ") for t in table.column("title").to_pylist()]
    shown = {
        "pandas": [
            t.strftime("%Y-%m-%d %H:%M")
            for t in table.to_pandas()["published_at"].dt.tz_convert("Asia/Shanghai")
        ],
        "polars": pl.read_parquet(path)["published_at"].dt.strftime("%Y-%m-%d %H:%M").to_list(),
    }
    for engine, times in shown.items():
        for w, s in zip(want, times, strict=True):
            if w != s:
                sys.exit(f"{engine}: an article published at {w} shows {s}")
    print(json.dumps({"articles": len(want), "engines": sorted(shown)}))


if __name__ == "__main__":
    main(sys.argv[1])
