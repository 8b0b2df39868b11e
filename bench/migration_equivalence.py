"""Is a database built by one migration history the same as one built by another?

    python bench/migration_equivalence.py dump OUT_DIR   # the database of this environment
    python bench/migration_equivalence.py diff DIR_A DIR_B

`dump` (run with COURIER_VAR_DIR or DATABASE_URL pointing at a freshly migrated database) writes
schema.txt (SQLite: sqlite_master's statements, sorted; PostgreSQL: `pg_dump -s`, comments and
SET lines dropped, statements sorted), schema-columns-sorted.txt (the same with each table's
columns in sorted order) and data.json (every row the migrations left, by
`dumpdata --natural-foreign --natural-primary`, so content type and permission ids, which follow
the order the apps were migrated in, do not count; objects sorted) plus counts.txt (rows per
model). `diff` compares two such directories and exits 1 on any difference.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")

# Rows that are not data the migrations seed: the migration records themselves differ by design
# (a squash records its own name too), sessions and the admin log are empty.
EXCLUDE = ["sessions", "admin.logentry"]
# Values that are the clock at the time the migration ran (the tracking feed's service user).
VOLATILE = {"date_joined"}


def sqlite_schema(path: str) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        ).fetchall()
    return sorted(f"{t} {n} ON {tbl}: {' '.join(sql.split())}" for t, n, tbl, sql in rows)


def _top_level_parts(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    return [*parts, body[start:].strip()]


def columns_sorted(statement: str) -> str:
    """A CREATE TABLE with its column and constraint definitions in sorted order: SQLite's table
    rebuild (Django's `_remake_table`, for most ALTERs) moves a self-referencing foreign key to
    the end of the table, so the column order depends on how many rebuilds the table went
    through, not on what the table is."""
    head, paren, rest = statement.partition("(")
    if "CREATE TABLE" not in head or not paren:
        return statement
    body = rest.rsplit(")", 1)[0]
    return f"{head}({', '.join(sorted(_top_level_parts(body)))})"


def pg_schema(url: str) -> list[str]:
    text = subprocess.run(
        ["pg_dump", "-s", "--no-owner", "--no-privileges", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [
        line
        for line in text.splitlines()
        if line.strip()
        and not line.startswith(
            ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
        )
    ]
    statements, current = [], []
    for line in lines:
        current.append(line.strip())
        if line.rstrip().endswith(";"):
            statements.append(" ".join(current))
            current = []
    return sorted(statements)


def dump(out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    out.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        schema = sqlite_schema(connection.settings_dict["NAME"])
    else:
        s = connection.settings_dict
        schema = pg_schema(f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}")
    (out / "schema.txt").write_text("\n".join(schema) + "\n")
    (out / "schema-columns-sorted.txt").write_text(
        "\n".join(sorted(columns_sorted(statement) for statement in schema)) + "\n"
    )
    raw = out / "raw.json"
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDE,
        output=str(raw),
        verbosity=0,
    )
    objects = json.loads(raw.read_text())
    raw.unlink()
    for o in objects:
        for field in VOLATILE.intersection(o["fields"]):
            o["fields"][field] = "<when the migration ran>"
    key = lambda o: (o["model"], json.dumps(o.get("pk")), json.dumps(o["fields"], sort_keys=True))  # noqa: E731
    objects.sort(key=key)
    (out / "data.json").write_text(
        "\n".join(json.dumps(o, sort_keys=True, ensure_ascii=False) for o in objects) + "\n"
    )
    counts = {}
    for o in objects:
        counts[o["model"]] = counts.get(o["model"], 0) + 1
    (out / "counts.txt").write_text("".join(f"{m} {n}\n" for m, n in sorted(counts.items())))
    print(f"{out}: {len(schema)} schema statements, {len(objects)} rows, {len(counts)} models")


def diff(a: Path, b: Path) -> int:
    status = 0
    for name in ("schema.txt", "schema-columns-sorted.txt", "data.json", "counts.txt"):
        left, right = (a / name).read_text().splitlines(), (b / name).read_text().splitlines()
        only_a = sorted(set(left) - set(right))
        only_b = sorted(set(right) - set(left))
        same = not only_a and not only_b and len(left) == len(right)
        print(f"{name}: {'identical' if same else 'DIFFERENT'} ({len(left)} vs {len(right)} lines)")
        for line in only_a[:20]:
            print(f"  only in {a}: {line[:300]}")
        for line in only_b[:20]:
            print(f"  only in {b}: {line[:300]}")
        status |= not same
    return status


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(Path(sys.argv[2]))
    else:
        sys.exit(diff(Path(sys.argv[2]), Path(sys.argv[3])))
