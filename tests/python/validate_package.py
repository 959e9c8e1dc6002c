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
    data = (path.parent / res["path"]).read_bytes()
    if len(data) != res["bytes"]:
        sys.exit(f"{res['name']}: {len(data)} bytes, descriptor says {res['bytes']}")
    algorithm, digest = res["hash"].split(":", 1)
    if algorithm != "sha256" or hashlib.sha256(data).hexdigest() != digest:
        sys.exit(f"{res['name']}: hash {res['hash']} does not match the file")
print(f"valid: {len(descriptor['resources'])} resources")
