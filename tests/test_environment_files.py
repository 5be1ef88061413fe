"""environment.yml (conda) and pyproject.toml (pip) must list the same packages and versions."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower(), m.group(2).replace(" ", "")


def pyproject_deps() -> dict:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(_split(d) for d in project["dependencies"])


def conda_deps() -> dict:
    deps, in_deps = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^dependencies:", line):
            in_deps = True
            continue
        m = re.match(r"^  - ([^:#]+?)\s*$", line)  # top-level entries only (not the pip: block)
        if in_deps and m:
            name, version = _split(m.group(1))
            deps[CONDA_NAMES.get(name, name)] = version
    return deps


def test_environment_yml_matches_pyproject():
    conda = conda_deps()
    conda.pop("pip")
    python = conda.pop("python")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == requires
    assert conda == pyproject_deps()


def test_torch_is_pinned_to_the_cpu_build_ci_installs():
    assert pyproject_deps()["torch"] == "==2.13.0"


def test_environment_yml_installs_the_package_itself():
    assert "- -e ." in (ROOT / "environment.yml").read_text()
