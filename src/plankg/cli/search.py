"""`plankg search WORDS`: full-text search of the local build (a thin wrapper over plankg.kb.search)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from plankg.cli import from_option
from plankg.errors import PlanKGError


@click.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--plan", default=None, metavar="KEY", help="Only texts of this plan (its key, e.g. luzhou-2014).")
@click.option("--pillar", default=None, metavar="N", help="Only texts of this pillar (its number).")
@click.option("--holder-type", default=None, metavar="TYPE",
              help="Only texts whose duties are held by this kind of holder (Department, School, Post, ...).")
@click.option("--limit", default=20, show_default=True, help="Hits to show (1-100).")
@click.option("--offset", default=0, show_default=True, help="Hits to skip (for the next page).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Readable lines, or JSON (the same answer as /api/search).")
@from_option
def search(words: tuple[str, ...], plan: str | None, pillar: str | None, holder_type: str | None,
           limit: int, offset: int, fmt: str, from_dir: Path | None) -> None:
    """Ranked full-text search (Chinese words segmented by jieba): titles, task sentences, labels.

    Each hit shows its rank, kind, plan, pillar/item/task, a snippet with the matched words in
    【】, and its [start,end) span in the plan's source text (code points, end exclusive).
    """
    from plankg.config import build_dir
    from plankg.kb.search import SearchIndex

    try:
        index = SearchIndex(build_dir(from_dir))
        result = index.search(" ".join(words), plan=plan, pillar=pillar, holder_type=holder_type,
                              limit=limit, offset=offset)
    except PlanKGError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if not result.terms:
        raise click.ClickException("nothing to search for: give Chinese or other words")
    how = {"phrase": "as typed", "all": "every word", "any": "some of the words"}[result.mode]
    shown = f"{result.offset + 1}-{result.offset + len(result.hits)}" if result.hits else "none"
    click.echo(f"{result.total} hits for {' '.join(result.terms)} ({how}); showing {shown}"
               + (" (query cut to 200 characters)" if result.truncated else ""))
    for h in result.hits:
        where = " ".join(x for x in (h.plan or "",
                                     f"pillar {h.pillar}" if h.pillar is not None else "",
                                     f"item {h.item}" + (f".{h.task}" if h.task is not None else "")
                                     if h.item is not None else "") if x)
        snip = ("…" if h.snippet.before else "") + "".join(
            f"【{t}】" if m else t for t, m in h.snippet.segments()) + ("…" if h.snippet.after else "")
        span = f" [{h.span['start']},{h.span['end']})" if h.span else ""
        click.echo(f"{h.rank:>3}. {h.score:7.3f} {h.kind:<8} {where}{span}")
        click.echo(f"     {snip}")
        click.echo(f"     {h.iri}")
