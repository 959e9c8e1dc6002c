"""Renders markdown files as GitHub does (cmark-gfm, with its extensions: tables, bare
addresses as links…) and prints the HTML of each, in order, as a JSON list of strings.

Usage: python github_markdown.py FILE.md...
"""

import json
import sys

import cmarkgfm
from cmarkgfm.cmark import Options

print(
    json.dumps(
        [
            cmarkgfm.github_flavored_markdown_to_html(
                open(path, encoding="utf-8").read(), options=Options.CMARK_OPT_UNSAFE
            )
            for path in sys.argv[1:]
        ]
    )
)
