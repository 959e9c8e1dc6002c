"""Executes a notebook with nbclient, in a Jupyter kernel of the interpreter that runs this
script, and (with --check) checks the answers of notebooks/explore.ipynb.

    run_notebook.py NOTEBOOK [--data DIR] [--save PATH] [--check]

--data DIR   the gazette `data` folder the notebook reads (passed as GAZETTE_DATA); by
             default the notebook finds the repository's own.
--save PATH  write the executed notebook, outputs included, to PATH (also when a cell fails,
             up to that cell); PATH may be NOTEBOOK itself (`just notebook`).
--check      fail unless the answers are the expected ones (tests/testsuite/interop.rs).

The kernel is this interpreter's ipykernel whatever kernels are installed elsewhere: a
`python3` kernelspec naming sys.executable is written to a temporary folder put first on
JUPYTER_PATH. The kernel talks over Unix sockets (not TCP ports), and Jupyter's runtime
files and IPython's profile go to temporary folders too: no kernel or profile in the home
directory changes the run. Any cell error fails the run (exit status 1). Prints a JSON
summary.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path


def kernel_environment(tmp: Path) -> None:
    spec = tmp / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                # The debugger's warning about frozen modules is noise on stderr.
                "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            }
        )
    )
    paths = [str(tmp / "jupyter")]
    if os.environ.get("JUPYTER_PATH"):
        paths.append(os.environ["JUPYTER_PATH"])
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")
    os.environ["IPYTHONDIR"] = str(tmp / "ipython")


def cell(nb, cell_id: str):
    found = [c for c in nb.cells if c.get("id") == cell_id]
    if len(found) != 1:
        raise SystemExit(f"expected one cell with id {cell_id!r}, found {len(found)}")
    return found[0]


def text_of(c) -> str:
    """The text a code cell shows: its streams and the text/plain of its results."""
    parts = []
    for out in c.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


def first_column(table: str) -> list[str]:
    """The first column of the data rows of a polars table printed as text (with its shape
    hidden: a header row, then the dtype row, then the data)."""
    cells = [line.split("┆")[0].strip("│ ") for line in table.splitlines() if line.startswith("│")]
    return [c for c in cells[3:] if c]


def check(nb, data: str | None) -> dict:
    problems = []

    if data is not None:
        setup = text_of(cell(nb, "setup"))
        want = str(Path(data).resolve())
        if f"reading {want}" not in setup:
            problems.append(f"the notebook did not read GAZETTE_DATA={want}:\n{setup}")

    share = cell(nb, "refining-share")
    results = [o for o in share.outputs if o["output_type"] == "execute_result"]
    table = results[0]["data"].get("text/plain", "") if results else ""
    # value, qualifier: 92 exact, 90 exact, 90 over, 80 over (in the shipped corpus)
    values = first_column(table)
    if values != ["92.0", "90.0", "90.0", "80.0"]:
        problems.append(f"the refining-share cell should list 92, 90, 90, 80:\n{text_of(share)}")
    if not re.search(r"\bover\b", table):
        problems.append(f"the refining-share cell should show the qualifier 'over':\n{table}")

    quotes = text_of(cell(nb, "quotes"))
    for marked in ("[92%]", "[90%]", "[80%]"):
        if marked not in quotes:
            problems.append(f"the quotes cell should mark {marked} in a claim:\n{quotes}")

    images = [o for o in cell(nb, "chart").outputs if "image/png" in o.get("data", {})]
    if len(images) != 1:
        problems.append(f"the chart cell should show one image/png, found {len(images)}")

    network = text_of(cell(nb, "network"))
    if "country/CN" not in network:
        problems.append(f"the network cell should list China beside rare earths:\n{network}")

    if problems:
        raise SystemExit("notebook answers are wrong:\n" + "\n\n".join(problems))
    return {"refining_share_values": values, "images": len(images)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--data")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gazette-notebook-") as tmp:
        kernel_environment(Path(tmp))
        if args.data is not None:
            os.environ["GAZETTE_DATA"] = str(Path(args.data).resolve())

        # Imported once the environment is set: jupyter_client reads it.
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from traitlets.config import Config

        nb = nbformat.read(args.notebook, as_version=4)
        nbformat.validate(nb)
        config = Config()
        if os.name == "posix":
            # Unix sockets in the temporary folder rather than TCP ports on localhost. (The
            # client makes its kernel manager from this config, so it shuts the kernel down.)
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = str(Path(tmp) / "kernel")
        client = NotebookClient(
            nb,
            config=config,
            kernel_name="python3",
            timeout=args.timeout,
            record_timing=False,
            resources={"metadata": {"path": str(args.notebook.resolve().parent)}},
        )
        started = time.monotonic()
        try:
            client.execute()
        except CellExecutionError as e:
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(e))  # the traceback's colours
            print(f"{args.notebook}: a cell failed:\n{plain}", file=sys.stderr)
            return 1
        finally:
            if args.save is not None:
                args.save.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, args.save)
        seconds = round(time.monotonic() - started, 2)

    summary = {"notebook": str(args.notebook), "cells": len(nb.cells), "seconds": seconds}
    if args.save is not None:
        summary["saved"] = str(args.save)
    if args.check:
        summary.update(check(nb, args.data))
        summary["answers"] = "ok"
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
