"""Validates data/datapackage.json with the frictionless package, and checks that every
resource's bytes and sha256 hash describe the file next to it.

Usage: python validate_package.py PATH/TO/datapackage.json
"""

import hashlib
import json
import pathlib
import sys

from frictionless import Package

path = pathlib.Path(sys.argv[1])
report = Package.validate_descriptor(str(path))
if not report.valid:
    for error in report.flatten(["type", "note"]):
        print(error)
    sys.exit("invalid data package descriptor")

descriptor = json.loads(path.read_text())
for res in descriptor["resources"]:
    # A single file, or a multipart resource (hive partitions) listing each file.
    files = res.get("gazette:files") or [
        {"path": res["path"], "bytes": res["bytes"], "hash": res["hash"]}
    ]
    if isinstance(res["path"], list) and [f["path"] for f in files] != res["path"]:
        sys.exit(f"{res['name']}: gazette:files does not list the resource's paths")
    if sum(f["bytes"] for f in files) != res["bytes"]:
        sys.exit(f"{res['name']}: the files' sizes do not add up to {res['bytes']}")
    for f in files:
        data = (path.parent / f["path"]).read_bytes()
        if len(data) != f["bytes"]:
            sys.exit(f"{f['path']}: {len(data)} bytes, descriptor says {f['bytes']}")
        algorithm, digest = f["hash"].split(":", 1)
        if algorithm != "sha256" or hashlib.sha256(data).hexdigest() != digest:
            sys.exit(f"{f['path']}: hash {f['hash']} does not match the file")
print(f"valid: {len(descriptor['resources'])} resources")
