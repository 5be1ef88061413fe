"""environment.yml (conda) and pyproject.toml (pip) must list the same packages and versions."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


# ---- the Pythons the course promises, said the same way everywhere --------------------------------
TESTED = ["3.11", "3.12", "3.13"]


def test_every_file_names_the_same_tested_pythons():
    from rnnlab.course.envcheck import tested_pythons

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert [f"{a}.{b}" for a, b in tested_pythons(requires)] == TESTED
    assert [f"{a}.{b}" for a, b in tested_pythons()] == TESTED          # the installed metadata agrees
    assert "You need Python 3.11, 3.12 or 3.13" in (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^PYTHONS \?= (.*)$", makefile, re.M).group(1).split() == [f"python{v}" for v in TESTED]
    assert f"python{requires.replace(' ', '')}" == "python>=3.11,<3.14"


def test_constraints_pin_every_dependency_inside_its_range():
    from packaging.requirements import Requirement

    from rnnlab.course.envcheck import tested_versions

    pins = tested_versions(ROOT / "constraints.txt")
    assert len(pins) == len([l for l in (ROOT / "constraints.txt").read_text().splitlines() if "==" in l])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    for line in declared:
        req = Requirement(line)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pins, f"constraints.txt: no exact version for {req.name}"
        assert req.specifier.contains(pins[name]), f"constraints.txt: {req.name}=={pins[name]} is outside {req.specifier}"
    assert pins["torch"] == "2.13.0"        # the CPU build on this disk satisfies it; a CUDA build too


def test_every_install_of_the_makefile_takes_the_constraints():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^PIP_INSTALL := .*\$\(BIN\)/python -m pip install --quiet -c constraints.txt$", makefile, re.M)
    project_installs = re.findall(r"^\t(.*(?:-e \.|-e \"\.\[).*)$", makefile, re.M)
    assert len(project_installs) == 6              # setup, browser, classroom, instructor, book; and `make constraints`
    unpinned = [line for line in project_installs if not line.startswith("$(PIP_INSTALL)")]
    assert unpinned == ['build/constraints-venv/bin/python -m pip install --quiet -e ".[instructor,browser,book,classroom]"']
    extras = set(re.findall(r'^\t\$\(PIP_INSTALL\) -e "\.\[(\w+)\]"$', makefile, re.M))
    assert extras == {"browser", "classroom", "instructor", "book"}      # every extra of pyproject, each pinned


def test_test_pythons_skips_a_python_that_is_not_installed(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(["bash", str(ROOT / "tools" / "test_pythons.sh"), "python3.99"], capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "OUT": str(tmp_path), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "test-pythons: python3.99 is not installed here (not on PATH, not under pyenv): skipped" in done.stdout
    assert "| python3.99 | - | skipped: not installed | - | - |" in (tmp_path / "test-pythons.md").read_text()
    # a Python that is there is found, by name on PATH (here: the one running the tests)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3.x").symlink_to(sys.executable)
    listed = subprocess.run(["bash", str(ROOT / "tools" / "test_pythons.sh"), "--list", "python3.x"],
                            capture_output=True, text=True,
                            env={"PATH": f"{bindir}:/usr/bin:/bin", "OUT": str(tmp_path), "HOME": str(tmp_path)})
    import platform
    assert listed.returncode == 0 and f"({platform.python_version()})" in listed.stdout, listed.stdout
