"""The package's layout is its architecture: modules grouped by role, one name each, documented,
and mirrored by tests/ (issue 14)."""
import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rnnlab"
ROLES = ["nn", "byhand", "models", "decoding", "training", "data", "tasks", "experiments", "plots", "course"]


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def test_the_top_level_holds_only_the_role_packages_and_the_shared_checks():
    top = sorted(p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__"))
    assert top == sorted(["__init__.py", "checks"] + ROLES)


def test_no_two_modules_share_a_name():
    names = [p.stem for p in _modules()]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


@pytest.mark.parametrize("role", ROLES)
def test_each_subpackage_says_what_lives_there(role):
    doc = ast.get_docstring(ast.parse((PACKAGE / role / "__init__.py").read_text())) or ""
    missing = [p.stem for p in sorted((PACKAGE / role).glob("*.py")) if p.name != "__init__.py" and p.stem not in doc]
    assert missing == [], f"rnnlab/{role}/__init__.py: its docstring does not mention {missing}"


@pytest.mark.parametrize("old", ["attention", "attention_decoder", "beam", "bleu", "checkpoint", "classify", "envcheck",
                                 "figures", "forecast", "gates", "gradflow", "grading", "highway", "ladder", "lm",
                                 "metrics", "norm_placement", "pointer", "runtime", "sampling", "selfcheck", "seq2seq",
                                 "show", "speed", "streaming", "train", "transformer_models", "unrolling"])
def test_no_module_is_left_at_its_old_path(old):
    assert importlib.util.find_spec(f"rnnlab.{old}") is None


def test_the_tests_mirror_the_package():
    folders = sorted(p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name not in ("offline", "__pycache__"))
    assert folders == sorted(ROLES + ["project"])
    for role in ROLES:
        assert list((ROOT / "tests" / role).glob("test_*.py")), f"tests/{role}/ has no tests"


@pytest.mark.parametrize("module, name", [
    ("rnnlab.data.corpus", "CharVocab"), ("rnnlab.tasks.dates", "CharVocabulary"), ("rnnlab.tasks.tagging", "Vocab"),
    ("rnnlab.tasks.tagging", "padding_mask"), ("rnnlab.tasks.tagging", "PAD"), ("rnnlab.tasks.dates", "PAD"),
    ("rnnlab.tasks.pointer", "PAD"), ("rnnlab.models.pointer_net", "PAD"), ("rnnlab.models.seq2seq", "greedy_decode"),
    ("rnnlab.models.name_classifier", "valid_mask"), ("rnnlab.models.streaming_lms", "CausalTransformerLM"),
])
def test_one_vocabulary_one_padding_one_mask_one_lm_no_old_names(module, name):
    """The ideas issue 14 made single live in one place; their old copies are gone, not aliased (a module
    may import the one definition, e.g. tagging's ``Vocab`` from rnnlab.data.vocab)."""
    found = getattr(importlib.import_module(module), name, None)
    assert found is None or getattr(found, "__module__", None) == "rnnlab.data.vocab", f"{module}.{name} is a copy"


def test_no_reset_after_left_in_byhand():
    assert "reset_after" not in "".join(p.read_text() for p in (PACKAGE / "byhand").glob("*.py"))
