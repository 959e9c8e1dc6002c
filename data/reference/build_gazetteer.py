#!/usr/bin/env python3
"""Builds gazette's gazetteer from public reference data and the curated tables beside it.

Run from anywhere (Python 3.9+, standard library only):

    apt-get install -y iso-codes wamerican-small
    python3 data/reference/build_gazetteer.py

Inputs
  /usr/share/iso-codes/json/iso_3166-1.json, iso_3166-2.json, iso_4217.json  (Debian iso-codes)
  /usr/share/locale/zh_CN/LC_MESSAGES/iso_3166-1.mo, iso_3166-2.mo           (Chinese names)
  /usr/share/dict/american-english-small                                      (SCOWL word list)
  countries.tsv regions.tsv commodities.tsv organizations.tsv people.tsv laws.tsv places.tsv
  vessels.tsv                                                                 (curated, this folder)

Outputs (committed; gazette embeds them, so neither this script nor its inputs are needed to
build or test gazette)
  gazetteer.tsv       one row per entity, with the exact strings the matcher looks for
  common_words.txt    lower-case English words: a capitalised word whose lower case is here is
                      an ordinary word, not a name
  currency_codes.txt  ISO 4217 codes: never acronym entities

The output depends only on the inputs: rows are sorted, lists keep a fixed order, and the
script reads no clock.
"""

from __future__ import annotations

import csv
import gettext
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ISO_JSON = Path("/usr/share/iso-codes/json")
ISO_MO = Path("/usr/share/locale/zh_CN/LC_MESSAGES")
WORDS = Path("/usr/share/dict/american-english-small")

COLUMNS = [
    "entity_id", "kind", "name_en", "name_zh", "aliases_en", "aliases_zh", "abbrev_zh",
    "demonyms_en", "wikidata", "parent", "tags",
]
OUT_COLUMNS = [
    "entity_id", "kind", "name_en", "name_zh", "match_en", "match_zh", "abbrev_zh",
    "demonyms_en", "wikidata", "parent", "tags", "origin",
]
CURATED = ["countries", "regions", "commodities", "organizations", "people", "laws", "places",
           "vessels"]

# Subdivision names that mean something else far more often in news text.
SUBDIVISION_SKIP_EN = {
    "Washington", "Georgia", "Distrito Federal", "Capital", "Central", "Ho Chi Minh", "Hồ Chí Minh",
    # first names, surnames, brands and words of other languages that are names of subdivisions
    "Mary", "Paul", "Nelson", "Isabel", "Aurora", "Clare", "Flores", "Rivera", "Tata", "Batman",
    "Lola", "Kara", "Mono", "Cher", "Norte", "Valle", "Sahel", "Isla", "Grad", "Leste", "Brava",
    "Volta", "Zaire", "Bong", "Arno", "Amara", "Kent", "Victoria",
}
# Chinese subdivision names made of direction words only (中部, 东部区, 北方省…).
GENERIC_ZH = re.compile(r"^[东南西北中]+[部方]?(地区|区|省|州|大区)?$")
# Suffixes of Chinese province names in ISO 3166-2 romanisation, dropped for the short form.
CN_SUFFIXES_EN = [" Huizu Zizhiqu", " Zhuangzu Zizhiqu", " Uygur Zizhiqu", " Zizhiqu",
                  " Sheng", " Shi", " SAR"]
CN_SUFFIXES_ZH = ["回族自治区", "壮族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"]


def split(field: str) -> list[str]:
    return [x.strip() for x in field.split(";") if x.strip()]


def fold(s: str) -> str:
    """ASCII folding of Latin diacritics (Hồ Chí Minh → Ho Chi Minh)."""
    s = s.replace("đ", "d").replace("Đ", "D").replace("ı", "i").replace("ø", "o").replace("Ø", "O")
    s = s.replace("ß", "ss").replace("æ", "ae").replace("Æ", "AE").replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def load_common_words() -> list[str]:
    words = set()
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if re.fullmatch(r"[a-z]+", w):
            words.add(w)
    return sorted(words)


def is_ordinary(name: str, common: set[str]) -> bool:
    """Every word of `name` is an ordinary lower-case English word (North West, Central…)."""
    words = re.findall(r"[A-Za-z]+", name)
    return bool(words) and all(w.lower() in common for w in words)


class Entity:
    def __init__(self, entity_id: str, kind: str, origin: str):
        self.entity_id = entity_id
        self.kind = kind
        self.origin = origin
        self.name_en = ""
        self.name_zh = ""
        self.en: list[str] = []        # candidate English match strings, in order
        self.zh: list[str] = []        # candidate Chinese match strings, in order
        self.trusted: set[str] = set()  # strings from curated files: never filtered
        self.abbrev_zh: list[str] = []
        self.demonyms: list[str] = []
        self.wikidata = ""
        self.parent = ""
        self.tags: list[str] = []

    def add(self, lst: list[str], values, trusted=False):
        for v in values:
            v = v.strip()
            if v and v not in lst:
                lst.append(v)
            if trusted and v:
                self.trusted.add(v)


def iso_entities(common: set[str]) -> dict[str, Entity]:
    t1 = gettext.GNUTranslations(open(ISO_MO / "iso_3166-1.mo", "rb"))
    t2 = gettext.GNUTranslations(open(ISO_MO / "iso_3166-2.mo", "rb"))
    out: dict[str, Entity] = {}
    for c in json.loads((ISO_JSON / "iso_3166-1.json").read_text())["3166-1"]:
        e = Entity(f"country/{c['alpha_2']}", "country", "iso-3166-1")
        name = c["name"]
        common_name = c.get("common_name", "")
        e.name_en = common_name or name
        zh_name = t1.gettext(name)
        zh_common = t1.gettext(common_name) if common_name else ""
        e.name_zh = zh_common if zh_common and zh_common != common_name else zh_name
        english = [common_name, name if ", " not in name and "(" not in name else "",
                   c.get("official_name", "")]
        if "(" in name:
            english.append(name.split(" (")[0])
        e.add(e.en, [x for x in english if x and not x.startswith("the ")])
        e.add(e.en, [fold(x) for x in e.en if fold(x) != x])
        e.add(e.zh, [x for x in (zh_common, zh_name) if x and x != common_name and x != name])
        e.tags.append("iso-3166-1")
        out[e.entity_id] = e
    for s in json.loads((ISO_JSON / "iso_3166-2.json").read_text())["3166-2"]:
        code = s["code"]
        e = Entity(f"place/{code}", "place", "iso-3166-2")
        name = s["name"]
        e.name_en = name
        zh = t2.gettext(name)
        e.name_zh = zh if zh != name else ""
        english = [name, fold(name)]
        if code.startswith("CN-"):
            for suffix in CN_SUFFIXES_EN:
                if name.endswith(suffix):
                    english.append(name[: -len(suffix)])
                    break
        e.add(e.en, [x for x in english
                     if len(x) >= 4 and x not in SUBDIVISION_SKIP_EN and not is_ordinary(x, common)])
        if e.name_zh:
            chinese = [e.name_zh]
            if code.startswith("CN-"):
                for suffix in CN_SUFFIXES_ZH:
                    if e.name_zh.endswith(suffix) and len(e.name_zh) - len(suffix) >= 2:
                        chinese.append(e.name_zh[: -len(suffix)])
                        break
            e.add(e.zh, [x for x in chinese if len(x) >= 3 and not GENERIC_ZH.match(x)])
        parent = s.get("parent")
        cc = code.split("-")[0]
        if parent:
            e.parent = f"place/{parent}" if "-" in parent else f"place/{cc}-{parent}"
        else:
            e.parent = f"country/{cc}"
        e.tags.append("iso-3166-2")
        e.tags.append(s["type"].lower().replace(" ", "-"))
        out[e.entity_id] = e
    return out


def read_curated(name: str) -> list[dict[str, str]]:
    path = HERE / f"{name}.tsv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for r in rows:
        if list(r.keys()) != COLUMNS:
            sys.exit(f"{path}: columns must be {COLUMNS}")
    return rows


def apply_curated(entities: dict[str, Entity]) -> None:
    for name in CURATED:
        for r in read_curated(name):
            eid = r["entity_id"]
            e = entities.get(eid)
            if e is None:
                if not r["kind"]:
                    sys.exit(f"{name}.tsv: {eid} is not an ISO entity and has no kind")
                e = entities[eid] = Entity(eid, r["kind"], name)
            elif r["kind"] and r["kind"] != e.kind:
                sys.exit(f"{name}.tsv: {eid} changes kind {e.kind} → {r['kind']}")
            if r["name_en"]:
                e.name_en = r["name_en"]
            if r["name_zh"]:
                e.name_zh = r["name_zh"]
            names_en = [r["name_en"]] if r["name_en"] else []
            names_zh = [r["name_zh"]] if r["name_zh"] else []
            e.add(e.en, names_en + split(r["aliases_en"]), trusted=True)
            e.add(e.zh, names_zh + split(r["aliases_zh"]), trusted=True)
            e.add(e.abbrev_zh, split(r["abbrev_zh"]), trusted=True)
            e.add(e.demonyms, split(r["demonyms_en"]), trusted=True)
            if r["wikidata"]:
                e.wikidata = r["wikidata"]
            if r["parent"]:
                e.parent = r["parent"]
            e.add(e.tags, split(r["tags"]))
            if e.origin.startswith("iso"):
                e.add(e.tags, [f"curated:{name}"])


PRIORITY = {"country": 0, "region": 1, "organization": 2, "person": 2, "commodity": 2, "law": 2,
            "vessel": 2, "place": 3}


def resolve_collisions(entities: dict[str, Entity]) -> list[str]:
    """A match string may name one entity only. Curated strings win over generated ones and
    countries over subdivisions; a string still shared after that is dropped everywhere."""
    report = []
    for attr in ("en", "zh"):
        owners: dict[str, list[Entity]] = defaultdict(list)
        for e in entities.values():
            strings = getattr(e, attr) + (e.demonyms if attr == "en" else [])
            for s in dict.fromkeys(strings):
                owners[s].append(e)
        for s, es in sorted(owners.items()):
            if len(es) < 2:
                continue
            trusted = [e for e in es if s in e.trusted]
            if len(trusted) > 1:
                sys.exit(f"curated string {s!r} names {[e.entity_id for e in trusted]}")
            if trusted:
                keep = trusted
            else:
                best = min(PRIORITY[e.kind] for e in es)
                keep = [e for e in es if PRIORITY[e.kind] == best]
                if len(keep) > 1:
                    keep = []
            for e in es:
                if e not in keep:
                    lst = getattr(e, attr)
                    if s in lst:
                        lst.remove(s)
            report.append(f"{s!r}: {[e.entity_id for e in es]} → {[e.entity_id for e in keep]}")
    return report


def main() -> None:
    common_list = load_common_words()
    common = set(common_list)
    entities = iso_entities(common)
    apply_curated(entities)
    collisions = resolve_collisions(entities)
    ids = set(entities)
    for e in entities.values():
        if e.parent and e.parent not in ids:
            sys.exit(f"{e.entity_id}: unknown parent {e.parent}")
        if not e.name_en:
            sys.exit(f"{e.entity_id}: no English name")
    with (HERE / "gazetteer.tsv").open("w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(OUT_COLUMNS) + "\n")
        for eid in sorted(entities):
            e = entities[eid]
            row = [e.entity_id, e.kind, e.name_en, e.name_zh, ";".join(e.en), ";".join(e.zh),
                   ";".join(e.abbrev_zh), ";".join(e.demonyms), e.wikidata, e.parent,
                   ";".join(e.tags), e.origin]
            for v in row:
                if "\t" in v or "\n" in v:
                    sys.exit(f"{eid}: a tab or newline in {v!r}")
            f.write("\t".join(row) + "\n")
    (HERE / "common_words.txt").write_text("\n".join(common_list) + "\n", encoding="utf-8")
    currencies = sorted({c["alpha_3"] for c in
                         json.loads((ISO_JSON / "iso_4217.json").read_text())["4217"]})
    (HERE / "currency_codes.txt").write_text("\n".join(currencies) + "\n", encoding="utf-8")
    kinds = defaultdict(int)
    for e in entities.values():
        kinds[e.kind] += 1
    print(f"{len(entities)} entities: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"{len(collisions)} shared strings resolved (see --collisions)")
    if "--collisions" in sys.argv:
        print("\n".join(collisions))


if __name__ == "__main__":
    main()
