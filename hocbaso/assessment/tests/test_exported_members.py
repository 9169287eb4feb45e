"""The public surface of ``hocbaso.assessment``, and its purity."""

from __future__ import annotations

import ast
from pathlib import Path

import hocbaso.assessment as assessment

PACKAGE = Path(assessment.__file__).resolve().parent


def test_every_exported_name_exists_and_is_public() -> None:
    for name in assessment.__all__:
        assert hasattr(assessment, name), name
        assert not name.startswith("_"), name


def test_the_contract_other_packages_rely_on_is_exported() -> None:
    for name in ("assess", "AssessmentError", "AssessmentInputError", "curriculum"):
        assert name in assessment.__all__


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_the_rules_import_nothing_from_django() -> None:
    for path in PACKAGE.glob("*.py"):
        imported = _imported_modules(path)
        assert not any(m.split(".")[0] == "django" for m in imported), path.name


def test_no_module_uses_binary_floats_for_scores() -> None:
    # Scores and averages are Decimal; float appears only to read JSON numbers.
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "float(" not in text, path.name
