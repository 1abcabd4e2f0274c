"""Checks what a run of the notebook suite left behind (run by environment/check-notebook-outputs).

For every notebook given: its executed copy exists in the executed folder, every code cell ran (has an
execution count) and none holds an error output; and every file the notebook declares in its metadata
(metadata.instruct_shift.outputs, plus outputs_with_paper when --paper) is in the figures folder, is
not empty, is newer than --since, and is what its extension says: a PNG signature, an SVG root element,
an HTML page that draws with an inlined plotly.js (no external script), JSON, a CSV with a header and
a row. Prints one line per notebook and exits 1 listing every problem.
"""
import argparse
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat


def check_file(path, since):
    if not path.is_file():
        return "missing"
    if path.stat().st_size == 0:
        return "empty"
    if since is not None and path.stat().st_mtime < since:
        return "not written by this run (older than its start)"
    data = path.read_bytes()
    ext = path.suffix
    try:
        if ext == ".png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
            return "not a PNG"
        if ext == ".svg":
            root = ET.fromstring(data)  # expat does not fetch the external DTD
            if not root.tag.endswith("svg"):
                return f"root element is {root.tag}, not svg"
        if ext == ".html":
            text = data.decode("utf-8")
            if "<script src" in text:
                return "loads an external script (the page must open offline)"
            if path.name != "summary.html":
                if "Plotly.newPlot" not in text:
                    return "no plotly figure in the page"
                if "plotly.js" not in text[:2000] or len(text) < 500_000:
                    return "plotly.js is not inlined"
        if ext == ".json":
            json.loads(data.decode("utf-8"))
        if ext == ".csv" and len(data.decode("utf-8").strip().splitlines()) < 2:
            return "a CSV without rows"
    except (ValueError, ET.ParseError, UnicodeDecodeError) as e:
        return f"unreadable: {e}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", help="the source notebooks (their metadata lists their outputs)")
    ap.add_argument("--executed", required=True, help="folder of the executed copies")
    ap.add_argument("--figures", required=True, help="the figures folder the run wrote to")
    ap.add_argument("--paper", action="store_true", help="the run had the authors' data: expect its outputs too")
    ap.add_argument("--since", type=float, default=None, help="start of the run (seconds since the epoch)")
    args = ap.parse_args()
    figures = Path(args.figures)
    problems = []
    for source in map(Path, args.notebooks):
        nb = nbformat.read(source, as_version=4)
        meta = nb.metadata.get("instruct_shift", {})
        expected = list(meta.get("outputs", []))
        if args.paper:
            expected += meta.get("outputs_with_paper", [])
        if not expected:
            problems.append(f"{source.name}: declares no outputs (metadata.instruct_shift.outputs)")
        executed = Path(args.executed) / source.name
        mine = []
        if not executed.is_file():
            mine.append(f"no executed copy at {executed}")
        else:
            run = nbformat.read(executed, as_version=4)
            for i, cell in enumerate(run.cells):
                if cell.cell_type != "code":
                    continue
                first = next((l.strip() for l in cell.source.splitlines() if l.strip()), "(empty)")
                if cell.get("execution_count") is None:
                    mine.append(f"cell {i + 1} `{first}` did not run")
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        mine.append(f"cell {i + 1} `{first}` failed: {out.get('ename')}: {out.get('evalue')}")
        for name in expected:
            why = check_file(figures / name, args.since)
            if why:
                mine.append(f"{name}: {why}")
        if mine:
            problems += [f"{source.name}: {p}" for p in mine]
            print(f"check-notebook-outputs: FAILED {source.name} ({len(mine)} problem(s))")
        else:
            print(f"check-notebook-outputs: ok {source.name}: all cells ran, {len(expected)} files in {figures}")
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
