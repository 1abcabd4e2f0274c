"""Protocol-level checks of the Java kernel through jupyter_client; names the failing check, exits 1.

The JDK is the one java-kernel uses (JAVA_HOME, else java on PATH). Run via environment/kernel-protocol-test.
"""
import sys
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager


def run(kc, code, timeout=60, on_msg=None):
    msg_id = kc.execute(code)
    msgs, deadline = [], time.monotonic() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        m["t"] = time.monotonic()
        msgs.append(m)
        if on_msg:
            on_msg(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    return reply_to(kc, msg_id, timeout), msgs


def reply_to(kc, msg_id, timeout=30):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def of(msgs, kind):
    return [m["content"] for m in msgs if m["msg_type"] == kind]


def main():
    ksm = KernelSpecManager(kernel_dirs=[sys.argv[1]])
    km = KernelManager(kernel_name="java", kernel_spec_manager=ksm)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    failures = []

    def check(name, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + str(detail)}", flush=True)
        if not ok:
            failures.append(name)

    try:
        kc.wait_for_ready(timeout=60)
        _, msgs = run(kc, "List<Integer> li = new ArrayList<>(List.of(1, 2, 3));\nli.add(4);")
        check("trailing ; hides the value", not of(msgs, "execute_result"), of(msgs, "execute_result"))
        _, msgs = run(kc, "li.size()")
        res = of(msgs, "execute_result")
        check("bare expression shows the value", res and res[0]["data"]["text/plain"] == "4", res)
        rep, msgs = run(kc, "int fw = twice(21);\nint twice(int x) { return 2 * x; }")
        _, msgs = run(kc, "fw")
        res = of(msgs, "execute_result")
        check("forward reference within a cell", rep["status"] == "ok" and res and res[0]["data"]["text/plain"] == "42",
              (rep.get("evalue"), res))
        rep, _ = run(kc, "int ok1 = 1;\nint ok2 = 2;\nint bad = nosuch + 1;")
        check("compile error names the cell line", rep["status"] == "error" and "line 3, column" in rep["evalue"],
              rep.get("evalue"))
        run(kc, "int divide(int a, int b) {\n  return a / b;\n}")
        rep, _ = run(kc, "int z = 0;\ndivide(1, z)")
        tb = "\n".join(rep.get("traceback", []))
        check("stack trace names cell lines", "line 2)" in tb and "#" not in tb, tb)
        msg_id = kc.inspect("Math.floorMod(7, 3)", cursor_pos=len("Math.floorM"))
        rep = reply_to(kc, msg_id)
        check("inspect finds the signature", rep.get("found") and "floorMod(" in rep["data"].get("text/plain", ""), rep)
        msg_id = kc.history(hist_access_type="tail", n=2)
        rep = reply_to(kc, msg_id)
        check("history tail", [h[2] for h in rep.get("history", [])] == ["int divide(int a, int b) {\n  return a / b;\n}",
                                                                      "int z = 0;\ndivide(1, z)"], rep)
        _, msgs = run(kc, "String did = display(\"first\");\nupdateDisplay(did, \"second\");")
        shown, updated = of(msgs, "display_data"), of(msgs, "update_display_data")
        check("display id and update", shown and updated and shown[0]["transient"]["display_id"]
              == updated[0]["transient"]["display_id"] and updated[0]["data"]["text/plain"] == "second", (shown, updated))
        _, msgs = run(kc, "System.out.print(\"step 1\\r\"); Thread.sleep(1500); System.out.print(\"step 2\\n\");")
        streams = [m for m in msgs if m["msg_type"] == "stream"]
        end = msgs[-1]["t"]
        check("stdout streams during the cell, \\r kept", streams and "\r" in streams[0]["content"]["text"]
              and end - streams[0]["t"] > 1.0, [(s["content"]["text"], end - s["t"]) for s in streams])
        run(kc, "int kept = 41;")
        for cell in ["while (true) {}", "long xs = 0;\nfor (;;) xs++;", "Thread.sleep(600_000);"]:
            msg_id = kc.execute(cell)
            time.sleep(2)
            km.interrupt_kernel()
            try:
                while True:
                    r = kc.get_shell_msg(timeout=20)
                    if r["parent_header"].get("msg_id") == msg_id:
                        break
                check(f"interrupt stops {cell!r}", r["content"].get("ename") == "Interrupted", r["content"])
            except Exception as e:
                check(f"interrupt stops {cell!r}", False, f"no reply within 20 s ({type(e).__name__})")
                break
        _, msgs = run(kc, "kept + 1")
        res = of(msgs, "execute_result")
        check("state kept after interrupt", res and res[0]["data"]["text/plain"] == "42", res)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(f"kernel-protocol-test: {len(failures)} failed" + (f": {', '.join(failures)}" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
