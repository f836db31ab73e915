"""API.md's proof test vector, checked from the document alone by a second implementation of "Checking a proof".

Usage: python3 proof_check.py API.md. Prints OK, or fails naming the level where the proof breaks.
"""
import hashlib
import json
import sys


def block(doc, marker):
    start = doc.index("```json\n", doc.index(marker)) + len("```json\n")
    return json.loads(doc[start:doc.index("\n```", start)])


doc = open(sys.argv[1], encoding="utf-8").read()
proof = block(doc, "<!-- proof-test-vector -->")
published = block(doc, "<!-- digest-test-vector -->")["digests"]
contest, tps, levels = proof["contest"], proof["tps"], proof["levels"]
d = [hashlib.sha256(level["text"].encode("utf-8")).hexdigest() for level in levels]

# Step 2: the TPS asked, and the receipt (its digest in the digest vector).
if not levels[0]["text"].startswith(f"kpu-orleans tps v1\ncontest {contest}\ntps {tps}\n") or d[0] != published[tps]:
    sys.exit(f"breaks at {tps}: not the form of the receipt")
# Step 3: each level commits to the one below.
for i in range(1, len(levels)):
    below = levels[i - 1]["region"]
    lines = levels[i]["text"].split("\n")
    if lines[:3] != ["kpu-orleans region v1", f"contest {contest}", f"region {below.rsplit('.', 1)[0]}"] or f"child {below} {d[i - 1]}" not in lines:
        sys.exit(f"breaks at {below}: its parent does not commit to {d[i - 1]}")
# Step 4: live, at the race's scope, with the published digest.
scope = contest.split("-", 1)[1]
if levels[-1]["region"] != scope or d[-1] != published[scope]:
    sys.exit(f"breaks at {levels[-1]['region']}: not {scope}'s published digest")
print("OK")
