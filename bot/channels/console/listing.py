"""Listings in the terminal (dossiers, the outbox, questions): a line saying there is nothing to
list, or a header and one tab-separated line per row, so they read well and cut well."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def print_listing(rows: Iterable[Sequence[object]], *, header: Sequence[str], empty: str) -> None:
    """Print ``rows`` under ``header``, or ``empty`` when there is none; a row's empty last cells
    are left out."""
    lines = ["\t".join(str(cell) for cell in row).rstrip("\t") for row in rows]
    print("\n".join(["\t".join(header), *lines]) if lines else empty)
