"""6 HTTP load: requests per second of the case board and the person search page under wrk,
against a trivial logged-in page on the same gunicorn server. Target ≥ 0.3.

The runs alternate (trivial, board, search, trivial, …) and the medians are compared.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess

from bench.common import Row, emit, say, server, session_cookie, setup_django, staff_user

TOWNSHIP = "150921100"
PAGES = {
    "事件督办看板": "/cases/board/",
    "人员搜索页": "/registry/search/?q=w&sex=1&age_min=18&age_max=59",
}
ROUNDS = 3
SECONDS = 8


def requests_per_second(url: str, cookie: str) -> float:
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            "-c8",
            f"-d{SECONDS}s",
            "--latency",
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if re.search(r"Non-2xx or 3xx responses: \d+", out):
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    setup_django(args.db)
    from zhicun.accounts.roles import Role

    cookie = session_cookie(staff_user("bench_township", Role.COMMAND, TOWNSHIP))
    with server(args.db, workers=args.workers) as base:
        import requests

        for path in ["/bench/trivial/", *PAGES.values()]:
            response = requests.get(
                base + path, cookies={"sessionid": cookie}, allow_redirects=False, timeout=60
            )
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code} to the bench user")
        results: dict[str, list[float]] = {"trivial": [], **{name: [] for name in PAGES}}
        for _ in range(ROUNDS):
            results["trivial"].append(requests_per_second(base + "/bench/trivial/", cookie))
            for name, path in PAGES.items():
                results[name].append(requests_per_second(base + path, cookie))
        trivial = statistics.median(results["trivial"])
        say(f"trivial page: {trivial:.0f} rps")
        for name in PAGES:
            rps = statistics.median(results[name])
            say(f"{name}: {rps:.0f} rps")
            emit(
                Row(
                    "6 HTTP",
                    f"{name}（乡镇指挥中心）",
                    rps,
                    trivial,
                    "rps",
                    0.3,
                    better="higher",
                    note=f"wrk 2 线程 8 连接 {SECONDS} 秒 × {ROUNDS}，gunicorn {args.workers} 进程",
                )
            )


if __name__ == "__main__":
    main()
