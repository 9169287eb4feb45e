"""The files a soft copy carries: the leaves of its /EmbeddedFiles name tree.

Every node, leaf and stream is counted against the file's budget (_budget.py), so a
hostile tree (deep, cyclic, or with huge streams) is refused, not walked.
"""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

from hocbaso.printing._budget import Budget, BudgetExceededError

MAX_TREE_DEPTH = 16


def read_attachments(reader: PdfFileReader, budget: Budget) -> list[tuple[str, bytes]]:
    """Each embedded file as (name, bytes); BudgetExceededError past the budget."""
    names = reader.root.get("/Names")
    if names is None:
        return []
    tree = budget.visit(names).get("/EmbeddedFiles")
    return _walk(budget.visit(tree), budget) if tree is not None else []


def _walk(node: Any, budget: Budget, depth: int = 0) -> list[tuple[str, bytes]]:
    """The leaves of a name tree (ISO 32000-1 §7.9.6), every node and leaf
    counted against the budget (a node reached twice is refused)."""
    if depth > MAX_TREE_DEPTH:
        raise BudgetExceededError("PDF_TREE_TOO_DEEP", MAX_TREE_DEPTH)
    found: list[tuple[str, bytes]] = []
    for kid in budget.visit(node.get("/Kids", [])):
        found += _walk(budget.visit(kid), budget, depth + 1)
    pairs = list(budget.visit(node.get("/Names", [])))
    for key, spec in zip(pairs[::2], pairs[1::2], strict=True):
        files = budget.visit(budget.visit(spec).get("/EF"))
        found.append((str(key), budget.inflate(budget.visit(files.get("/F")))))
    return found
