"""The Spark side of bench/deltaPreview.bench.mjs.

Runs `SELECT * FROM delta.`<table>` LIMIT 100` as a `%sql` cell in Arcade's
Arc kernel (the real Arc 3.7.0 on Spark, started through jupyter_client as
JupyterLab starts it) and prints JSON timings: the first cell (Spark starting)
and each later run, from the execute request to the reply with the table.

Usage: python bench/spark_preview.py TABLE_URI RUNS
"""

import json
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager

TIMEOUT_S = 600


def run_cell(client, code):
    """Executes one cell; returns (seconds, whether a table was shown)."""
    start = time.perf_counter()
    msg_id = client.execute(code)
    shown = False
    error = None
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT_S)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind in ("display_data", "execute_result"):
            html = msg["content"].get("data", {}).get("text/html", "")
            shown = shown or "<table" in html
        elif kind == "error":
            error = "\n".join(msg["content"].get("traceback", []))[-2000:]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    elapsed = time.perf_counter() - start
    if error is not None:
        raise RuntimeError(f"the cell failed:\n{code}\n{error}")
    return elapsed, shown


def main():
    table, runs = sys.argv[1], int(sys.argv[2])
    cell = (
        '%sql name="preview" outputView=preview_1m numRows=100\n'
        f"SELECT * FROM delta.`{table}` LIMIT 100"
    )
    manager = KernelManager(kernel_name="arc")
    # The kernel's own output (Spark's log) stays out of the JSON answer.
    manager.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=TIMEOUT_S)
        first, shown = run_cell(client, cell)
        if not shown:
            raise RuntimeError("the first run showed no table")
        times = []
        for _ in range(runs):
            elapsed, shown = run_cell(client, cell)
            if not shown:
                raise RuntimeError("a run showed no table")
            times.append(elapsed * 1000)
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)
    print(json.dumps({"firstRunMs": first * 1000, "runsMs": times}))


if __name__ == "__main__":
    main()
