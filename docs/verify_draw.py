#!/usr/bin/env python3
"""Recomputes a Canyu meeting lottery from its published draw and checks the seats.

    curl -s https://…/api/v1/meetings/<id>/draw > draw.json
    python3 verify_draw.py draw.json

Python's standard library only. The procedure is docs/lottery.md ("canyu-lottery-1").
Exit status 0: the published seats and waitlists are what the inputs give; 1: they differ
(or the draw is not consistent with its own commitment).
"""
import hashlib
import json
import sys

ALGORITHM = "canyu-lottery-1"


def parse(text):
    """The commitment's quotas [(category, seats)] and applicants [(pseudonym, category)]."""
    lines = text.split("\n")
    if lines[0] != ALGORITHM or lines[-1] != "":
        raise ValueError("not a %s commitment" % ALGORITHM)
    quotas, applicants = [], []
    for line in lines[3:-1]:
        words = line.split(" ")
        if words[0] == "quota" and len(words) == 3 and not applicants:
            quotas.append((words[1], int(words[2])))
        elif words[0] == "applicant" and len(words) == 3:
            applicants.append((words[1], words[2]))
        else:
            raise ValueError("unexpected line: %r" % line)
    if [c for c, _ in quotas] != sorted({c for c, _ in quotas}) or \
       [p for p, _ in applicants] != sorted({p for p, _ in applicants}):
        raise ValueError("commitment not in canonical order")
    return quotas, applicants


def stream(seed):
    """64-bit numbers: block i = SHA-256(seed + i as 8 bytes big-endian), 4 numbers each."""
    counter = 0
    while True:
        block = hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        counter += 1
        for i in range(0, 32, 8):
            yield int.from_bytes(block[i:i + 8], "big")


def below(numbers, n):
    """A uniform integer in [0, n): numbers past the last multiple of n are drawn again."""
    limit = (1 << 64) - (1 << 64) % n
    while True:
        x = next(numbers)
        if x < limit:
            return x % n


def draw(quotas, applicants, seed):
    numbers = stream(seed)
    result = []
    for category, seats in quotas:
        left = [p for p, c in applicants if c == category]
        order = []
        while left:
            order.append(left.pop(below(numbers, len(left))))
        result.append({"category": category, "seats": seats,
                       "seated": order[:seats], "waitlist": order[seats:]})
    return result


def main(path):
    with open(path, encoding="utf-8") as f:
        published = json.load(f)
    text = published["commitment"]["text"]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != published["commitment"]["sha256"]:
        print("the commitment's text does not hash to its published SHA-256")
        return 1
    seed = hashlib.sha256((digest + "\n" + published["public_value"]).encode("utf-8")).digest()
    if seed.hex() != published["seed"]:
        print("the seed is not SHA-256(commitment hash, public value)")
        return 1
    quotas, applicants = parse(text)
    recomputed = draw(quotas, applicants, seed)
    for category in recomputed:
        print("%s (%d seats): seated %s; waitlist %s" % (
            category["category"], category["seats"],
            " ".join(category["seated"]) or "-", " ".join(category["waitlist"]) or "-"))
    claimed = [{k: c[k] for k in ("category", "seats", "seated", "waitlist")}
               for c in published["categories"]]
    if claimed != recomputed:
        print("DIFFERENT from the published seats")
        return 1
    print("the published seats are what the inputs give")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
