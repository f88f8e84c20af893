"""Run the development web server and, beside it, the platform's background worker (if any).

Both stop together on Ctrl-C.
"""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    args = parser.parse_args()
    python = sys.executable
    procs = []
    worker = ROOT / "zhicun" / "notify" / "management" / "commands" / "worker.py"
    if worker.exists():
        procs.append(subprocess.Popen([python, "manage.py", "worker"], cwd=ROOT))
    print(f"\n智村已启动：http://127.0.0.1:{args.port}/  （Ctrl-C 停止）\n", flush=True)
    web = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"], cwd=ROOT
    )
    procs.append(web)
    try:
        web.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
