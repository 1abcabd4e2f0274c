"""Execute notebooks headlessly, in order, with the project's Java kernel.

For each notebook: run every cell (each within --timeout seconds) in a fresh kernel whose working
directory is the notebook's own directory, as in JupyterLab; write the executed notebook and an
HTML rendering to the output directory (also when a cell fails, so the failure can be read).
Stops at the first failing notebook and exits 1 with a line naming the notebook, the cell (its
number, 1-based among all cells, and the first line of its source) and the error.
Run through environment/run-notebooks (Debian's python3).
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def collect(paths):
    """Notebook files in the order given; a directory contributes its *.ipynb sorted by name."""
    found = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found.extend(sorted(q for q in path.glob("*.ipynb") if q.is_file()))
        elif path.is_file():
            if path.suffix != ".ipynb":
                raise SystemExit(f"run-notebooks: {path} is not a .ipynb file")
            found.append(path)
        else:
            raise SystemExit(f"run-notebooks: {path}: no such notebook or directory")
    if not found:
        raise SystemExit(f"run-notebooks: no notebooks found in {', '.join(map(str, paths))}")
    return found


def write_atomic(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name + ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the result is an ordinary output file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def first_line(cell):
    for line in cell.source.splitlines():
        if line.strip():
            return line.strip()
    return "(empty cell)"


def error_output(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out
    return None


def run_one(path, out_dir, args, ksm):
    """Executes one notebook; returns None on success or a one-line failure description."""
    nb = nbformat.read(path, as_version=4)
    km = AsyncKernelManager(kernel_name=args.kernel, kernel_spec_manager=ksm)
    current = {"index": None}

    def on_cell_start(cell, cell_index, **kw):
        current["index"] = cell_index

    client = NotebookClient(
        nb, km=km, timeout=args.timeout, startup_timeout=args.startup_timeout,
        kernel_name=args.kernel, allow_errors=False, record_timing=True,
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_start=on_cell_start)

    failure = None
    try:
        # cleanup_kc: nbclient leaves a kernel it did not create running (we pass km), and each
        # notebook's JVM, models and all, would then live until the runner exits
        client.execute(cleanup_kc=True)
    except CellTimeoutError:
        failure = f"timed out after {args.timeout} s"
    except DeadKernelError as e:
        failure = f"the kernel died ({e})"
    except CellExecutionError as e:
        failure = f"{e.ename}: {e.evalue}"
    except RuntimeError as e:  # e.g. the kernel did not start
        failure = f"{type(e).__name__}: {e}"

    if failure is not None:
        index = current["index"]
        # the cell that holds an error output is the failing one; fall back to the last started
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and error_output(cell) is not None:
                index = i
                break
        where = "before the first cell" if index is None else \
            f"cell {index + 1} (index {index}) `{first_line(nb.cells[index])}`"
        failure = f"{path}: {where}: {failure}"

    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / path.name, nbformat.writes(nb))
    if not args.no_html:
        from nbconvert import HTMLExporter
        body, _ = HTMLExporter().from_notebook_node(nb)
        write_atomic(out_dir / (path.stem + ".html"), body)
    return failure


def main():
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", help="notebooks or directories (default: notebooks/)")
    ap.add_argument("-o", "--output-dir", default=str(root / "target" / "notebooks"),
                    help="where executed notebooks and HTML go (default target/notebooks)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    ap.add_argument("--startup-timeout", type=int, default=120, help="seconds for the kernel to start")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="set an environment variable for the kernel (repeatable)")
    ap.add_argument("--no-html", action="store_true", help="write only the executed .ipynb")
    ap.add_argument("--kernel", default="java")
    ap.add_argument("--kernels", required=True, help="kernelspec directory (set by the wrapper)")
    args = ap.parse_args()

    for kv in args.env:
        key, sep, value = kv.partition("=")
        if not sep or not key:
            ap.error(f"--env expects KEY=VALUE, got '{kv}'")
        os.environ[key] = value  # the kernel inherits this process's environment

    ksm = KernelSpecManager(kernel_dirs=[args.kernels])
    if args.kernel not in ksm.find_kernel_specs():
        print(f"run-notebooks: no kernelspec '{args.kernel}' in {args.kernels}; run environment/setup",
              file=sys.stderr)
        return 2
    notebooks = collect(args.paths or [str(root / "notebooks")])
    out_dir = Path(args.output_dir)
    for path in notebooks:
        t0 = time.monotonic()
        print(f"run-notebooks: {path} ...", flush=True)
        failure = run_one(path, out_dir, args, ksm)
        took = time.monotonic() - t0
        if failure:
            print(f"run-notebooks: FAILED {failure} ({took:.1f} s; executed copy in {out_dir / path.name})",
                  file=sys.stderr, flush=True)
            return 1
        print(f"run-notebooks: ok {path} ({took:.1f} s)", flush=True)
    print(f"run-notebooks: {len(notebooks)} notebook(s) ok; output in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
