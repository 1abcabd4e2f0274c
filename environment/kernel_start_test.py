"""Start the project's Java kernel many times in a row and fail on any hang.

Each start must, within --timeout seconds: answer kernel_info, run `1+1` with an execute_result
of 2 and an `ok` reply; then exit by itself within --shutdown-timeout seconds of a
shutdown_request. A start that misses any of this is a failure; its kernel is killed, its log
kept, and the run goes on. Run through environment/kernel-start-test (Debian's python3).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager


class StartFailure(Exception):
    pass


def remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise StartFailure("timed out")
    return left


def one_start(ksm, kernel, timeout, shutdown_timeout, log_path):
    """Returns (ready_s, execute_s, exit_s); raises StartFailure naming the step that failed."""
    km = KernelManager(kernel_name=kernel, kernel_spec_manager=ksm)
    kc = None
    step = "start"
    t0 = time.monotonic()
    deadline = t0 + timeout
    with open(log_path, "w") as log:
        try:
            km.start_kernel(stdout=log, stderr=log)
            kc = km.client()
            kc.start_channels()
            step = "kernel_info"
            try:
                kc.wait_for_ready(timeout=remaining(deadline))
            except RuntimeError as e:
                raise StartFailure(str(e))
            t_ready = time.monotonic()

            step = "execute 1+1"
            msg_id = kc.execute("1+1")
            while True:
                reply = kc.get_shell_msg(timeout=remaining(deadline))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"]["status"] != "ok":
                raise StartFailure(f"execute_reply status {reply['content']['status']}: "
                                   f"{reply['content'].get('ename')} {reply['content'].get('evalue')}")
            result = None
            while True:
                msg = kc.get_iopub_msg(timeout=remaining(deadline))
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "execute_result":
                    result = msg["content"]["data"].get("text/plain")
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            if result != "2":
                raise StartFailure(f"1+1 gave {result!r}, expected '2'")
            t_exec = time.monotonic()

            step = "shutdown"
            kc.shutdown()
            exit_deadline = time.monotonic() + shutdown_timeout
            while km.is_alive():
                if time.monotonic() > exit_deadline:
                    raise StartFailure(f"still running {shutdown_timeout:.0f} s after shutdown_request")
                time.sleep(0.05)
            t_exit = time.monotonic()
            return t_ready - t0, t_exec - t_ready, t_exit - t_exec
        except StartFailure as e:
            raise StartFailure(f"{step}: {e}")
        except Exception as e:  # a jupyter_client error is a failed start too, never a crash of the test
            raise StartFailure(f"{step}: {type(e).__name__}: {e}")
        finally:
            if kc is not None:
                kc.stop_channels()
            try:
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
                else:
                    km.cleanup_resources()
            except Exception as e:
                print(f"  (cleanup after start: {type(e).__name__}: {e})", file=sys.stderr)


def summary(name, values):
    if not values:
        return f"{name}: -"
    s = sorted(values)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return (f"{name}: mean {statistics.mean(s):.2f} s, median {statistics.median(s):.2f} s, "
            f"p95 {p95:.2f} s, max {s[-1]:.2f} s")


def main():
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--count", type=int, default=200, help="number of starts (default 200)")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds for one start to answer kernel_info and run 1+1 (default 30)")
    ap.add_argument("--shutdown-timeout", type=float, default=10.0,
                    help="seconds for the kernel to exit after shutdown_request (default 10)")
    ap.add_argument("--kernel", default="java")
    ap.add_argument("--kernels", required=True, help="kernelspec directory (set by the wrapper)")
    ap.add_argument("--log-dir", default=str(root / "target" / "kernel-start-test"))
    args = ap.parse_args()
    if args.count < 1:
        ap.error("--count must be at least 1")

    ksm = KernelSpecManager(kernel_dirs=[args.kernels])
    if args.kernel not in ksm.find_kernel_specs():
        print(f"kernel-start-test: no kernelspec '{args.kernel}' in {args.kernels}", file=sys.stderr)
        return 2
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in log_dir.glob("start-*.log"):
        old.unlink()

    ready, execute, exits, totals, failures = [], [], [], [], []
    t_all = time.monotonic()
    for i in range(1, args.count + 1):
        log_path = log_dir / f"start-{i:03d}.log"
        t0 = time.monotonic()
        try:
            r, e, x = one_start(ksm, args.kernel, args.timeout, args.shutdown_timeout, log_path)
        except StartFailure as f:
            failures.append((i, str(f), log_path))
            print(f"start {i:3d}: FAILED after {time.monotonic() - t0:.1f} s: {f} (kernel log: {log_path})",
                  flush=True)
            continue
        ready.append(r)
        execute.append(e)
        exits.append(x)
        totals.append(time.monotonic() - t0)
        log_path.unlink()  # keep only the logs of failed starts
        print(f"start {i:3d}: ok  ready {r:5.2f} s  1+1 {e:5.2f} s  exit {x:5.2f} s", flush=True)

    print()
    print(f"kernel-start-test: {args.count} starts in {time.monotonic() - t_all:.0f} s "
          f"(timeout {args.timeout:.0f} s per start)")
    print(summary("  start to kernel_info reply", ready))
    print(summary("  1+1 execute", execute))
    print(summary("  exit after shutdown_request", exits))
    print(summary("  whole start (incl. cleanup)", totals))
    for i, why, log_path in failures:
        print(f"  failed start {i}: {why} (log {log_path})")
    print(f"{args.count - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
