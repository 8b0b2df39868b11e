"""Benchmark: the complaints change list is flat in volume (issue 14 item 4).

Times ``GET /admin/complaints/complaint/`` (a superuser, in process through Django's test
client) with SMALL and LARGE complaints, interleaved (small, large, ... ``BENCH_PAIRS`` >= 5
pairs after a warm-up pair), and prints the time ratio (target <= 1.5) and the queries at each
size (no more at the large size). The databases are copies of the SLA sweep bench's seeded templates
(``bench_complaints_sweep.py``, ``benchlib.seeded_database``): built once, reused while the
migrations did not change.

    .venv/bin/python bench/bench_admin_changelists.py               # 10,000 vs 100,000
    BENCH_FULL=1 DATABASE_URL=postgres://... .venv/bin/python bench/bench_admin_changelists.py
                                                                    # 10,000 vs 1,000,000
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))

from bench_complaints_sweep import LARGE, SMALL, _seed  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
URL = "/admin/complaints/complaint/"


def _admin_client() -> Client:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-admin").first()
    if user is None:
        user = user_model.objects.create_superuser("bench-admin", "b@example.com", "x")
    client = Client()
    client.force_login(user)
    return client


def main():
    from benchlib import PAIRS, interleaved, ratio_line, seeded_database, use

    setup_test_environment()
    with (
        seeded_database(f"sweep{SMALL}", _seed(SMALL), copy="small") as small,
        seeded_database(f"sweep{LARGE}", _seed(LARGE), copy="large") as large,
    ):
        clients, queries, times = {}, {}, {small: [], large: []}
        for name in (small, large):
            use(name)
            clients[name] = _admin_client()
            with CaptureQueriesContext(connection) as ctx:
                assert clients[name].get(URL).status_code == 200
            queries[name] = len(ctx.captured_queries)

        def on(name):
            def measure():
                use(name)
                client = clients[name]
                client.get(URL)  # a fresh connection: its first query is not the page's
                best = float("inf")
                for _ in range(REPEAT):
                    started = time.perf_counter()
                    response = client.get(URL)
                    best = min(best, time.perf_counter() - started)
                    assert response.status_code == 200
                times[name].append(best)
                return best

            return measure

        ratios = interleaved(on(small), on(large), pairs=PAIRS)
    for name, size in ((small, SMALL), (large, LARGE)):
        kept = times[name][1:]
        print(
            f"  complaints change list at {size:,}: {statistics.median(kept) * 1000:.1f} ms "
            f"median (min {min(kept) * 1000:.1f}, max {max(kept) * 1000:.1f}), "
            f"{queries[name]} queries"
        )
    print(
        ratio_line(
            f"complaints change list time {LARGE:,} / {SMALL:,} ({connection.vendor})",
            ratios,
            "<=",
            1.5,
        )
    )
    # At most as many: below 50,000 rows the paginator also counts exactly (capped), above it
    # the planner's estimate is enough, so the large table may take one query fewer.
    met = queries[large] <= queries[small]
    print(
        f"complaints change list queries {LARGE:,} / {SMALL:,}: {queries[large]} / "
        f"{queries[small]}  target <= {queries[small]}  {'OK' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
