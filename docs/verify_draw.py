#!/usr/bin/env python3
"""Recomputes a Canyu meeting lottery from its published draw and checks the seats.

    curl -s https://…/api/v1/meetings/<id>/draw > draw.json
    python3 verify_draw.py draw.json

Python's standard library only. The procedure is docs/lottery.md ("canyu-lottery-1").
Exit status 0: the draw is consistent with its commitment and the published seats are what
the inputs give; 1: they are not (or the draw is not made yet).
"""
import hashlib
import json
import re
import sys
from datetime import datetime

ALGORITHM = "canyu-lottery-1"
WORD = re.compile(r"[a-z_]+|[A-Z0-9]+")
SEATS = re.compile(r"0|[1-9][0-9]*")
VALUE = re.compile(r"(0|[1-9][0-9]*)\.[0-9]{2}")


class Refused(Exception):
    pass


def canonical(meeting, source, value_at, quotas, applicants):
    """The commitment's text, as docs/lottery.md states it."""
    lines = [ALGORITHM, "meeting " + meeting, "source " + source, "value_at " + value_at]
    lines += ["quota %s %d" % q for q in sorted(quotas)]
    lines += ["applicant %s %s" % a for a in sorted(applicants)]
    return "".join(line + "\n" for line in lines)


def parse(text):
    """(meeting, source, value_at, quotas, applicants) of a commitment, which must be
    canonical: rebuilt from what it says, it is the same text."""
    lines = text.split("\n")
    if len(lines) < 5 or lines[0] != ALGORITHM or lines[-1] != "":
        raise Refused("not a %s commitment" % ALGORITHM)
    heads = [("meeting ", 1), ("source ", 2), ("value_at ", 3)]
    if not all(lines[i].startswith(h) for h, i in heads):
        raise Refused("the commitment does not begin with meeting, source and value_at")
    meeting, source, value_at = (lines[i][len(h):] for h, i in heads)
    quotas, applicants = [], []
    for line in lines[4:-1]:
        words = line.split(" ")
        if len(words) == 3 and words[0] == "quota" and WORD.fullmatch(words[1]) \
                and SEATS.fullmatch(words[2]):
            quotas.append((words[1], int(words[2])))
        elif len(words) == 3 and words[0] == "applicant" and WORD.fullmatch(words[1]) \
                and WORD.fullmatch(words[2]):
            applicants.append((words[1], words[2]))
        else:
            raise Refused("unexpected line in the commitment: %r" % line)
    categories = [c for c, _ in quotas]
    pseudonyms = [p for p, _ in applicants]
    if len(set(categories)) != len(categories) or len(set(pseudonyms)) != len(pseudonyms):
        raise Refused("a category or a pseudonym appears twice")
    if any(c not in categories for _, c in applicants):
        raise Refused("an applicant in a category without seats")
    if canonical(meeting, source, value_at, quotas, applicants) != text:
        raise Refused("the commitment is not in its canonical form")
    return meeting, source, value_at, sorted(quotas), sorted(applicants)


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


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check(published):
    """Prints what it recomputed; raises Refused where the draw does not hold."""
    if published.get("algorithm") != ALGORITHM:
        raise Refused("not a %s draw" % ALGORITHM)
    text = published["commitment"]["text"]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != published["commitment"]["sha256"]:
        raise Refused("the commitment's text does not hash to its published SHA-256")
    meeting, source, value_at, quotas, applicants = parse(text)
    if meeting != published["meeting_id"] or source != published["public_value_source"] \
            or value_at != published["public_value_at"]:
        raise Refused("the draw's meeting, source or value time differ from its commitment")
    print("commitment %s, published %s" % (digest, published["committed_at"]))
    print("public value: %s, from %s, fixed at %s" % (
        published.get("public_value"), source, value_at))
    if published.get("drawn_at") is None:
        raise Refused("not drawn yet: the public value is entered after %s" % value_at)
    if not instant(published["committed_at"]) < instant(value_at) <= instant(published["drawn_at"]):
        raise Refused("the commitment must precede the public value, and the value the draw")
    value = published["public_value"]
    if not VALUE.fullmatch(value):
        raise Refused("the public value is not written as docs/lottery.md requires: %r" % value)
    seed = hashlib.sha256((digest + "\n" + value).encode("utf-8")).digest()
    if seed.hex() != published["seed"]:
        raise Refused("the seed is not SHA-256(commitment hash, public value)")
    recomputed = draw(quotas, applicants, seed)
    for category in recomputed:
        print("%s (%d seats): seated %s; waitlist %s" % (
            category["category"], category["seats"],
            " ".join(category["seated"]) or "-", " ".join(category["waitlist"]) or "-"))
    claimed = [{k: c[k] for k in ("category", "seats", "seated", "waitlist")}
               for c in published["categories"]]
    if claimed != recomputed:
        raise Refused("the published seats are DIFFERENT from what the inputs give")


def main(path):
    with open(path, encoding="utf-8") as f:
        published = json.load(f)
    try:
        check(published)
    except Refused as why:
        print(why)
        return 1
    except (KeyError, TypeError, ValueError) as err:
        print("not a published draw: %r" % err)
        return 1
    print("the published seats are what the inputs give")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
