"""Shared helpers of the benchmarks: interleaved ratios and seeded databases that are reused.

Ratios (``interleaved``): on a shared machine two measurements taken one after the other see
different loads, so every ratio is measured in pairs, A B A B ..., at least ``PAIRS`` (5) pairs,
after one warm-up pair; the line prints the median ratio with its min and max, and the target
beside it (``ratio_line``). A benchmark prints one such line per target.

Seeded databases (``seeded_database``): seeding a million rows takes minutes, so it happens once,
outside any timing, into a PostgreSQL *template* database named after the migration state and the
seed's version (``bench_<label>_<hash>``). Later runs copy the template (``CREATE DATABASE ...
TEMPLATE``, seconds) while neither the migrations nor the seed changed; a stale template of the
same label is dropped when a new one is built. Every template starts as a copy of one migrated,
unseeded database per migration state (``bench_schema_<hash>``), so migrations run once. On
SQLite the template is a file next to the database, copied the same way.

    BENCH_PAIRS=9 ...          more pairs (default 5)
    BENCH_REBUILD=1 ...        rebuild the templates even if they are current
    BENCH_COPY_SUFFIX=_x ...   name this run's copy ``bench_<label>_<copy>_x`` (shared servers)
"""

import hashlib
import io
import os
import pstats
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager

PAIRS = max(5, int(os.environ.get("BENCH_PAIRS", "5")))
REBUILD = os.environ.get("BENCH_REBUILD") == "1"
# Appended to the name of a run's throwaway copy, so two people benching at once on one server
# do not drop each other's copy (``BENCH_COPY_SUFFIX=_alice``).
COPY_SUFFIX = os.environ.get("BENCH_COPY_SUFFIX", "")


def interleaved(
    measure_a: Callable[[], float],
    measure_b: Callable[[], float],
    *,
    pairs: int = PAIRS,
    higher_is_better: bool = False,
    warmup: int = 1,
) -> list[float]:
    """Ratios B/A of ``pairs`` interleaved measurements (A B A B ...), after ``warmup`` pairs.

    ``measure_*`` return seconds (``higher_is_better=False``: the ratio is B's time over A's) or a
    rate (``higher_is_better=True``: the ratio is B's rate over A's)."""
    for _ in range(warmup):
        measure_a()
        measure_b()
    ratios = []
    for _ in range(pairs):
        a = measure_a()
        b = measure_b()
        ratios.append(b / a if a else float("inf"))
    return ratios


def rounds(measures: dict[str, Callable[[], float]], *, pairs: int = PAIRS, warmup: int = 1):
    """``{name: [value per round]}``: every measure once per round, in turn (A B C A B C ...),
    ``pairs`` rounds after ``warmup``; ratios between two of them are taken round by round."""
    for _ in range(warmup):
        for measure in measures.values():
            measure()
    values = {name: [] for name in measures}
    for _ in range(pairs):
        for name, measure in measures.items():
            values[name].append(measure())
    return values


def ratios_of(values: dict[str, list[float]], numerator: str, denominator: str) -> list[float]:
    """Round-by-round ratios ``numerator / denominator`` of ``rounds()``' values."""
    return [n / d for n, d in zip(values[numerator], values[denominator], strict=True)]


def ratio_line(label: str, ratios: list[float], op: str, target: float) -> str:
    """``label: 0.93 (min 0.88, max 1.02, 5 pairs)  target >= 0.60  OK``."""
    med = statistics.median(ratios)
    met = med >= target if op == ">=" else med <= target
    return (
        f"{label}: {med:.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}, "
        f"{len(ratios)} pairs)  target {op} {target:.2f}  {'OK' if met else 'MISSED'}"
    )


def seconds(fn: Callable[[], object], repeat: int = 1) -> float:
    """The best of ``repeat`` timings of ``fn()`` in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


# --- seeded databases ----------------------------------------------------------------------------
def migration_state() -> str:
    """A fingerprint of every migration on disk (their names): changes when the schema does."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return repr(sorted(loader.disk_migrations))


def _use_database(name: str) -> None:
    from django.conf import settings
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES["default"]["NAME"] = name


def _pg_exec(sql: str, params=None):
    from django.db import connection

    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _pg_drop(name: str) -> None:
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


@contextmanager
def seeded_database(label: str, seed: Callable[[], None], version: str = "1", copy: str = "run"):
    """Run the block on a database holding ``seed()``'s rows (see the module docstring).

    ``label`` names the template (one per distinct seed), ``version`` changes when ``seed``
    does, ``copy`` names this run's copy (two copies of different templates may be open one
    after the other: switch with ``use(label, copy)``)."""
    from django.db import connection

    original = connection.settings_dict["NAME"]
    key = hashlib.sha1((migration_state() + label + version).encode()).hexdigest()[:10]
    if connection.vendor == "sqlite":
        yield from _sqlite_seeded(label, seed, key, copy, original)
        return
    template = f"bench_{label}_{key}"
    work = f"bench_{label}_{copy}{COPY_SUFFIX}"
    exists = _pg_exec("SELECT 1 FROM pg_database WHERE datname = %s", [template])
    if REBUILD and exists:
        _use_database(original)
        _pg_drop(template)
        exists = False
    if not exists:
        building = f"bench_{label}_building"
        _use_database(original)
        _pg_drop(building)
        started = time.perf_counter()
        schema = _pg_schema_template()
        _pg_exec(f'CREATE DATABASE "{building}" TEMPLATE "{schema}"')
        _use_database(building)
        seed()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        _use_database(original)
        older = f"^bench_{label}_[0-9a-f]{{10}}$"  # an older template of this label
        for (stale,) in _pg_exec("SELECT datname FROM pg_database WHERE datname ~ %s", [older]):
            _pg_drop(stale)
        _pg_exec(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        print(f"  [{label}] template {template} built in {time.perf_counter() - started:.0f} s")
    else:
        print(f"  [{label}] template {template} reused (same migrations and seed)")
    _use_database(original)
    _pg_drop(work)
    started = time.perf_counter()
    _pg_exec(f'CREATE DATABASE "{work}" TEMPLATE "{template}"')
    print(f"  [{label}] copied to {work} in {time.perf_counter() - started:.1f} s")
    _use_database(work)
    try:
        yield work
    finally:
        _use_database(original)
        _pg_drop(work)


def _pg_schema_template() -> str:
    """``bench_schema_<hash>``: the migrated, unseeded database every seed starts from, so the
    migrations run once per migration state, not once per template (minutes on a busy machine)."""
    from django.db import connection

    key = hashlib.sha1(migration_state().encode()).hexdigest()[:10]
    name = f"bench_schema_{key}"
    if _pg_exec("SELECT 1 FROM pg_database WHERE datname = %s", [name]):
        return name
    original = connection.settings_dict["NAME"]
    building = "bench_schema_building"
    _pg_drop(building)
    _pg_exec(f'CREATE DATABASE "{building}"')
    _use_database(building)
    started = time.perf_counter()
    _migrate()
    _use_database(original)
    for (stale,) in _pg_exec(
        "SELECT datname FROM pg_database WHERE datname ~ %s", ["^bench_schema_[0-9a-f]{10}$"]
    ):
        _pg_drop(stale)
    _pg_exec(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    print(f"  [schema] {name} migrated in {time.perf_counter() - started:.0f} s")
    return name


def _sqlite_seeded(label, seed, key, copy, original):
    """SQLite: the template is a file next to the database, copied for each run."""
    import shutil
    from pathlib import Path

    folder = Path(original).resolve().parent
    template = folder / f"bench_{label}_{key}.sqlite3"
    work = folder / f"bench_{label}_{copy}.sqlite3"
    if REBUILD or not template.exists():
        for stale in folder.glob(f"bench_{label}_*.sqlite3"):
            stale.unlink()
        building = folder / f"bench_{label}_building.sqlite3"
        _use_database(str(building))
        started = time.perf_counter()
        _migrate()
        seed()
        _use_database(original)
        building.rename(template)
        took = time.perf_counter() - started
        print(f"  [{label}] template {template.name} built in {took:.0f} s")
    else:
        print(f"  [{label}] template {template.name} reused (same migrations and seed)")
    shutil.copyfile(template, work)
    _use_database(str(work))
    try:
        yield str(work)
    finally:
        _use_database(original)
        work.unlink(missing_ok=True)


def use(name: str) -> None:
    """Point the default connection at database ``name`` (between measurements, not in them)."""
    _use_database(name)


@contextmanager
def migrated_database(label: str):
    """Run the block on a fresh copy of a migrated, unseeded PostgreSQL database (the copy is
    dropped after). The migrated template ``bench_tpl_<label>_<hash of the migrations>`` is kept
    between runs, so the migrations (minutes on a busy machine) run once per migration state
    (a new migration is applied to a copy of the older template); ``label`` keeps one
    database's template apart from another's. SQLite: a test database as
    Django creates it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        original = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield connection.settings_dict["NAME"]
        finally:
            connection.creation.destroy_test_db(original, verbosity=0)
        return
    original = connection.settings_dict["NAME"]
    key = hashlib.sha1(migration_state().encode()).hexdigest()[:10]
    template = os.environ.get("BENCH_TEMPLATE") or f"bench_tpl_{label}_{key}"  # or a given one
    work = f"bench_tpl_{label}_run"
    if not _pg_exec("SELECT 1 FROM pg_database WHERE datname = %s", [template]):
        building = f"bench_tpl_{label}_building"
        _pg_drop(building)
        # An older template of this label: start from it, so only the new migrations run.
        stale = f"^bench_tpl_{label}_[0-9a-f]{{10}}$"
        older = [
            n for (n,) in _pg_exec("SELECT datname FROM pg_database WHERE datname ~ %s", [stale])
        ]
        _pg_exec(f'CREATE DATABASE "{building}"' + (f' TEMPLATE "{older[0]}"' if older else ""))
        _use_database(building)
        started = time.perf_counter()
        _migrate()
        _use_database(original)
        for name in older:
            _pg_drop(name)
        _pg_exec(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        print(f"  [{label}] {template} migrated in {time.perf_counter() - started:.0f} s")
    _use_database(original)
    _pg_drop(work)
    _pg_exec(f'CREATE DATABASE "{work}" TEMPLATE "{template}"')
    _use_database(work)
    try:
        yield work
    finally:
        _use_database(original)
        _pg_drop(work)


def profile_print(profile, top: int, keys=("cumulative", "tottime")) -> None:
    """Print a cProfile run's ``top`` functions for each sort key, without pstats' header."""
    for key in keys:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(top)
        print(f"--- sorted by {key}")
        print(out.getvalue().split("\n", 6)[-1])
