#!/usr/bin/env python3
"""The largest inclusion proof of a registry, computed from its CSVs alone (docs/BENCHMARKS.md, "Issue 20").

A proof (docs/API.md, "Receipts and inclusion proofs") holds one canonical text per level from the TPS to the race's
top, and a region's text one `child` line per child with a digest. With every TPS of the registry reported, the size
of a path is fixed by the registry's fan-out; only the numbers' digits vary. This takes each number at the most digits
it can have: a region's totals at the digits of its registered voters (the DPT of every TPS under it), its version and
tpsReported at the digits of its TPS count (first forms only; each correction adds at most a digit per tenfold), a
TPS's numbers at the digits of its DPT, plus a few voters added on the day. It prints, per race, the TPS whose path
is largest, the bytes of its texts and of the JSON the gateway answers (compact, escaped as System.Text.Json does).

    python3 bench/Proofs/bound.py [data-folder] [--contest ID ...] [--tps CODE]
"""
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

HEX = "0" * 64


def digits(n):
    return len(str(max(n, 0)))


def load(folder):
    folder = Path(folder)
    prefix = next(folder.glob("*-regions.csv")).name[: -len("-regions.csv")]
    regions, children = {}, defaultdict(list)
    with open(folder / f"{prefix}-regions.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            regions[row["code"]] = (row["level"], row["parent_code"] or None, row["name"])
            if row["parent_code"]:
                children[row["parent_code"]].append(row["code"])
    dpt = {}
    with open(folder / f"{prefix}-tps.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            regions[row["tps_code"]] = ("tps", row["village_code"], "TPS " + row["tps_code"].rsplit(".", 1)[1])
            children[row["village_code"]].append(row["tps_code"])
            dpt[row["tps_code"]] = int(row["dpt"])
    contests = defaultdict(list)
    contest_file = next(folder.glob(f"{prefix}-*contests.csv"))
    with open(contest_file, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            contests[row["contest_id"]].append(row["scope"])
    return regions, children, dpt, {c: (scopes[0], len(scopes)) for c, scopes in contests.items()}


def totals(regions, children, dpt):
    """Per region: (TPS under it, DPT under it), bottom up."""
    sums = {}

    def walk(code):
        if code in dpt:
            sums[code] = (1, dpt[code])
            return sums[code]
        tps = voters = 0
        for child in children.get(code, []):
            t, v = walk(child)
            tps, voters = tps + t, voters + v
        sums[code] = (tps, voters)
        return sums[code]

    for code, (level, parent, _) in regions.items():
        if parent is None:
            walk(code)
    return sums


def tps_text(contest, code, voters, candidates):
    n = "9" * digits(voters + 20)  # DPT plus DPTb/DPK voters added on the day
    lines = ["kpu-orleans tps v1", f"contest {contest}", f"tps {code}", "version 9"]
    lines += [f"registered {n}", f"voted.dpt {n}", f"voted.dptb {n}", f"voted.dpk {n}"]
    lines += [f"ballots.{b} {n}" for b in ("received", "used", "spoiled", "unused")]
    lines += [f"votes.{i} {n}" for i in range(1, candidates + 1)] + [f"valid {n}", f"invalid {n}"]
    return "".join(line + "\n" for line in lines)


def region_text(contest, code, sums, kids, candidates):
    tps, voters = sums[code]
    n, count = "9" * digits(voters + 20 * tps), "9" * digits(tps)
    lines = ["kpu-orleans region v1", f"contest {contest}", f"region {code}", f"version {count}"]
    lines += [f"votes.{i} {n}" for i in range(1, candidates + 1)]
    lines += [f"valid {n}", f"invalid {n}", f"voted {n}", f"registeredReported {n}", f"tpsReported {count}"]
    lines += [f"child {child} {HEX}" for child in kids]
    return "".join(line + "\n" for line in lines)


def proof(contest, scope, candidates, tps, regions, children, sums, dpt):
    path, code = [], tps
    while True:
        path.append(code)
        if code == scope:
            break
        code = regions[code][1]
    levels = []
    for code in path:
        level, _, name = regions[code]
        text = tps_text(contest, code, dpt[code], candidates) if level == "tps" else region_text(contest, code, sums, children[code], candidates)
        levels.append({"region": code, "level": level, "name": name, "digest": HEX, "certified": None, "text": text})
    body = {"contest": contest, "tps": tps, "version": 9, "latestVersion": 9, "digest": HEX, "against": "live", "levels": levels}
    # System.Text.Json's default encoder: compact, non-ASCII and HTML-sensitive characters escaped as \uXXXX.
    encoded = json.dumps(body, separators=(",", ":"), ensure_ascii=True)
    for c in "'+<>&`":
        encoded = encoded.replace(c, "\\u%04X" % ord(c))
    return path, sum(len(level["text"].encode()) for level in levels), len(encoded.encode()), levels


def main(argv):
    folder, wanted, only_tps = "data", None, None
    i = 0
    while i < len(argv):
        if argv[i] == "--contest":
            wanted = (wanted or []) + [argv[i + 1]]
            i += 2
        elif argv[i] == "--tps":
            only_tps = argv[i + 1]
            i += 2
        else:
            folder = argv[i]
            i += 1
    regions, children, dpt, contests = load(folder)
    sums = totals(regions, children, dpt)
    # Per village, the size of its path's child lines is what differs: the largest path is the largest sum of the
    # fan-outs along it, not necessarily the largest village.
    for contest, (scope, candidates) in sorted(contests.items()):
        if wanted and contest not in wanted:
            continue
        stations = [only_tps] if only_tps else [t for t in dpt if t == scope or t.startswith(scope + ".")]
        best = None
        for tps in stations:
            result = proof(contest, scope, candidates, tps, regions, children, sums, dpt)
            if best is None or result[2] > best[1][2]:
                best = (tps, result)
        if best is None:
            continue
        tps, (path, text_bytes, json_bytes, levels) = best
        fanout = " · ".join(f"{regions[c][0]} {c}: {len(children[c])}" for c in path[1:])
        print(f"{contest}: largest path {tps}; texts {text_bytes:,} B, JSON {json_bytes:,} B; children per level: {fanout}")
        if wanted or only_tps:
            for level in levels:
                print(f"  {level['level']:9} {level['region']:20} text {len(level['text'].encode()):6,} B")


if __name__ == "__main__":
    main(sys.argv[1:])
