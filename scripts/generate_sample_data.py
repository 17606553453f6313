"""Generate the sample workspace's demo data, deterministically.

The data is made up here, by a fixed-seed generator written out in full, so every run on every
machine writes byte-identical files and nothing is downloaded. Usage:

    python scripts/generate_sample_data.py OUT_DIR [--customers N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

FIRST = [
    "Ada",
    "Bruno",
    "Chloe",
    "Dmitri",
    "Esme",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kaia",
    "Luca",
    "Maya",
    "Nils",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tariq",
    "Uma",
    "Viktor",
    "Wen",
    "Xena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Abbott",
    "Brandt",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gallo",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quiroga",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zeller",
]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example"]
STATES = ["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"]
SEGMENTS = ["retail", "smb", "enterprise"]


class Lcg:
    """A 64-bit linear congruential generator: tiny, and identical on every platform and Python."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self) -> int:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return self.state >> 33

    def below(self, n: int) -> int:
        return self.next() % n

    def pick(self, items: list[str]) -> str:
        return items[self.below(len(items))]


def customer(rng: Lcg, cid: int) -> list[str]:
    first, last = rng.pick(FIRST), rng.pick(LAST)
    email = f"{first}.{last}{cid}@{rng.pick(DOMAINS)}".lower()
    signup = f"2024-{1 + rng.below(12):02d}-{1 + rng.below(28):02d}"
    credit = f"{rng.below(500000) / 100:.2f}"
    return [
        str(cid),
        f"{first} {last}",
        email,
        rng.pick(STATES),
        rng.pick(SEGMENTS),
        signup,
        credit,
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--customers", type=int, default=1000)
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    rng = Lcg(20261121)
    rows = [customer(rng, cid) for cid in range(1, args.customers + 1)]
    # A few rows carry defects on purpose, so typing and validation have something to catch.
    rows[41][6] = "not-a-number"
    rows[97][5] = "2024-13-45"

    changes: list[list[str]] = []
    for row in rows[::10]:
        changed = list(row)
        changed[3] = STATES[(STATES.index(row[3]) + 1) % len(STATES)]
        changes.append(changed)
    for cid in range(args.customers + 1, args.customers + 1 + args.customers // 20):
        changes.append(customer(rng, cid))

    header = ["customer_id", "name", "email", "state", "segment", "signup_date", "credit_limit"]
    for name, data in (("customers_initial.csv", rows), ("customers_changes.csv", changes)):
        with open(out / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(data)
        digest = hashlib.sha256((out / name).read_bytes()).hexdigest()[:12]
        print(f"wrote {out / name} ({len(data)} rows, sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
