"""Time named queries in-process on a build's store and check that two versions answer the same.

Usage::

    # every named query on a build, timed (pyoxigraph, no HTTP), slowest first
    python bench/querycheck.py --build /tmp/plankg-s100
    # old versions (a folder of .rq files, e.g. from `git show`) against the current ones
    python bench/querycheck.py --build /tmp/plankg-s100 --old /tmp/oldq --queries trace-holder-relations

Each query runs in a child process (forked; killed after ``--timeout`` seconds) on
``pyoxigraph.Store.read_only(<build>/store)`` with its parameters as substitutions (the values
bench/run.py binds: the `#+ example:` header, else DEFAULT_PARAMS), or with ``--inline`` written
into the text, as ``plankg.kb`` runs it and bench/run.py sends it over HTTP. The two can
differ a lot: Oxigraph plans the query before the substitutions are applied, so a substituted
parameter is an unbound variable to the planner (trace-holder-relations' first UNION at 100x:
1.1 s substituted, 0.6 ms inlined). With
``--old`` both versions run and their answers are compared: the multiset of rows (every projected
variable, in the SELECT's order, as N-Triples terms) and, for a query with ORDER BY, the rows in
order (rows that tie on the ORDER BY keys may come in any order, so the sequence of key values is
compared, and the full order reported). Times are the best of ``--repeat`` runs after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_STORE: Any = None


def n3_term(text: str) -> Any:
    """A pyoxigraph term from the N-Triples/N3 text bench/run.py binds."""
    import pyoxigraph as ox

    if text.startswith("<"):
        return ox.NamedNode(text[1:-1])
    m = re.fullmatch(r'"(.*)"(?:\^\^<([^>]+)>|@([\w-]+))?', text, re.S)
    if m:
        if m[2]:
            return ox.Literal(m[1], datatype=ox.NamedNode(m[2]))
        return ox.Literal(m[1], language=m[3]) if m[3] else ox.Literal(m[1])
    if re.fullmatch(r"-?\d+", text):
        return ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    raise ValueError(f"cannot read term {text!r}")


def params_for(name: str) -> dict[str, str]:
    import run  # bench/run.py
    from plankg.kb.queries import load_query

    return run.param_values(load_query(name))


def inline(text: str, subs: dict[str, str]) -> str:
    from plankg.kb.queries import inline_bindings

    return inline_bindings(text, subs)


def order_keys(text: str) -> list[str]:
    """Variables of the outermost ORDER BY (plain ?var, ASC(?v), DESC(?v)), in order."""
    body = "\n".join(ln.split("#", 1)[0] if not ln.lstrip().startswith("#") else "" for ln in text.splitlines())
    m = re.search(r"ORDER\s+BY\s+(.*?)(?:LIMIT|OFFSET|\Z)", body[body.rfind("}") :], re.S | re.I)
    if not m:
        return []
    return [("-" if d and d.upper() == "DESC" else "") + v
            for d, v in re.findall(r"(?:(ASC|DESC)\s*\(\s*)?\?(\w+)", m[1], re.I)]


def _run(build: str, text: str, subs: dict[str, str], repeat: int, conn: Any) -> None:
    import pyoxigraph as ox

    global _STORE
    try:
        if _STORE is None:
            _STORE = ox.Store.read_only(str(Path(build) / "store"))
        substitutions = {ox.Variable(k): n3_term(v) for k, v in subs.items()}
        times, rows, variables = [], None, []
        for i in range(1 + repeat):
            t0 = time.perf_counter()
            res = _STORE.query(text, substitutions=substitutions)
            if isinstance(res, bool):
                out = [(str(res),)]
            elif isinstance(res, ox.QuerySolutions):
                variables = [v.value for v in res.variables]
                out = [tuple("" if s[v] is None else str(s[v]) for v in variables) for s in res]
            else:
                out = sorted(tuple(str(x) for x in (t.subject, t.predicate, t.object)) for t in res)
            times.append(time.perf_counter() - t0)
            rows = out
        conn.send({"ok": True, "rows": rows, "vars": variables, "first_s": times[0],
                   "best_s": min(times[1:]) if repeat else times[0]})
    except Exception as exc:  # noqa: BLE001
        conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})


def run_one(build: str, text: str, subs: dict[str, str], repeat: int, timeout: float) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    a, b = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_run, args=(build, text, subs, repeat, b))
    t0 = time.perf_counter()
    p.start()
    if a.poll(timeout):
        res = a.recv()
    else:
        res = {"ok": False, "error": f"timeout after {timeout:g} s"}
    p.kill()
    p.join()
    res["wall_s"] = time.perf_counter() - t0
    return res


def compare(old: dict[str, Any], new: dict[str, Any], keys: list[str]) -> str:
    if not (old.get("ok") and new.get("ok")):
        return "not compared"
    if old["vars"] != new["vars"]:
        return f"DIFFERENT projection {old['vars']} vs {new['vars']}"
    if Counter(old["rows"]) != Counter(new["rows"]):
        return f"DIFFERENT rows ({len(old['rows'])} vs {len(new['rows'])})"
    if not keys:
        return "same rows"
    if old["rows"] == new["rows"]:
        return "same rows, same order"
    idx = [old["vars"].index(k.lstrip("-")) for k in keys if k.lstrip("-") in old["vars"]]
    ko = [tuple(r[i] for i in idx) for r in old["rows"]]
    kn = [tuple(r[i] for i in idx) for r in new["rows"]]
    return "same rows, same ORDER BY key sequence (ties ordered differently)" if ko == kn else "DIFFERENT order"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="a build directory (with store/)")
    ap.add_argument("--old", type=Path, default=None, help="folder of the old .rq files to compare with")
    ap.add_argument("--new", type=Path, default=None, help="folder of the new .rq files (default: the package's)")
    ap.add_argument("--queries", default="", help="comma-separated names (default: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--inline", action="store_true",
                    help="write the parameters into the text (as bench/run.py sends them over HTTP: "
                         "inline_bindings) instead of passing them as substitutions")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--dump", type=Path, default=None,
                    help="write every answer to DIR/<name>.new.json (and .old.json), to compare later")
    ap.add_argument("--against", type=Path, default=None,
                    help="compare the new answers with DIR/<name>.old.json written by an earlier --dump "
                         "(e.g. of old queries that take minutes)")
    args = ap.parse_args(argv)
    from plankg.kb.queries import list_queries

    names = [s for s in args.queries.split(",") if s] or [q.name for q in list_queries()]
    new_dir = args.new or Path(str(__import__("plankg.kb.queries", fromlist=["x"]).__file__)).parent
    report = []
    for name in names:
        subs = params_for(name)
        new_text = (new_dir / f"{name}.rq").read_text("utf-8")
        order_text = new_text
        if args.inline and subs:
            new_text = inline(new_text, subs)
        new = run_one(args.build, new_text, {} if args.inline else subs, args.repeat, args.timeout)
        entry: dict[str, Any] = {"name": name, "new_s": new.get("best_s"), "new_rows": len(new.get("rows") or [])
                                 if new.get("ok") else None, "new_error": new.get("error")}
        line = f"{name}: new {_fmt(new)}"
        if args.dump and new.get("ok"):
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{name}.new.json").write_text(json.dumps({k: new[k] for k in ("vars", "rows", "best_s")},
                                                                   ensure_ascii=False), "utf-8")
        if args.against and (args.against / f"{name}.old.json").is_file():
            old = {"ok": True, **json.loads((args.against / f"{name}.old.json").read_text("utf-8"))}
            old["rows"] = [tuple(r) for r in old["rows"]]
            new_cmp = {**new, "rows": [tuple(r) for r in new.get("rows") or []]}
            verdict = compare(old, new_cmp, order_keys(order_text))
            entry.update(verdict_against=verdict, old_s=old.get("best_s"))
            line += f"; against {args.against}: {verdict} (old took {old.get('best_s', 0):.1f} s)"
        if args.old and not (args.old / f"{name}.rq").is_file():
            line += " (no old version)"
        elif args.old:
            old_text = (args.old / f"{name}.rq").read_text("utf-8")
            if args.inline and subs:
                old_text = inline(old_text, subs)
            if old_text == new_text:
                entry["same_text"] = True
                line += " (unchanged)"
            else:
                old = run_one(args.build, old_text, {} if args.inline else subs, min(args.repeat, 1), args.timeout)
                verdict = compare(old, new, order_keys(order_text))
                entry.update(old_s=old.get("best_s"), old_error=old.get("error"), verdict=verdict,
                             old_rows=len(old.get("rows") or []) if old.get("ok") else None)
                line += f"; old {_fmt(old)}; {verdict}"
                if args.dump and old.get("ok"):
                    (args.dump / f"{name}.old.json").write_text(
                        json.dumps({k: old[k] for k in ("vars", "rows", "best_s")}, ensure_ascii=False), "utf-8")
        print(line, flush=True)
        report.append(entry)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), "utf-8")
    return 0


def _fmt(r: dict[str, Any]) -> str:
    if not r.get("ok"):
        return r.get("error", "failed")
    return f"{r['best_s'] * 1000:,.1f} ms (first {r['first_s'] * 1000:,.1f} ms), {len(r['rows'])} rows"


if __name__ == "__main__":
    sys.exit(main())
