"""tools/image_deps.py on small build contexts of its own, in this (the app) environment.

The real images are checked in tests/deploy/test_images.py; here each rule is shown to fail
when it should: an import of a package the image does not install, an unpinned or wrongly
pinned package, a requirement file or a package the Dockerfile does not copy.
"""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

from tools.image_deps import (
    DockerfileError,
    check,
    instructions,
    main,
    pip_install_commands,
    read_dockerfile,
    stock_image,
    substitute,
)

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
YAML = importlib.metadata.version("PyYAML")
AIOHTTP = importlib.metadata.version("aiohttp")
SOCKETIO = importlib.metadata.version("python-socketio")

DOCKERFILE = f"""\
# a gateway-like image
FROM python:{PYTHON}-slim
WORKDIR /app
COPY requirements.txt requirements/
RUN pip install --no-cache-dir \\
        -r requirements/requirements.txt
COPY app app
CMD ["python", "-m", "app"]
"""


def make_context(tmp_path: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path, source: str, requirements: str = f"PyYAML=={YAML}\n", **files: str) -> List[str]:
    context = make_context(
        tmp_path,
        {
            "Dockerfile": files.pop("dockerfile", DOCKERFILE),
            "requirements.txt": requirements,
            "app/__init__.py": "",
            "app/main.py": source,
            **files,
        },
    )
    return check(context, ["app"], read_dockerfile(context / "Dockerfile", context)).problems


def test_installed_imports_pass(tmp_path: Path) -> None:
    source = """\
        from __future__ import annotations
        import os, json
        from typing import TYPE_CHECKING
        import yaml
        from yaml import safe_load
        from . import other
        from app import main
        if TYPE_CHECKING:
            import hypothesis  # for the type checker only
        else:
            import collections
    """
    assert problems(tmp_path, source) == []


def test_an_import_of_a_package_the_image_does_not_install_fails(tmp_path: Path) -> None:
    found = problems(tmp_path, "import yaml\n\n\nimport argon2\n")
    assert found == ["argon2 (distribution argon2-cffi) is imported by app/main.py:4 but the image does not install it"]


def test_an_import_no_distribution_provides_fails(tmp_path: Path) -> None:
    found = problems(tmp_path, "import yaml\nfrom surely_not_installed_anywhere.sub import x\n")
    assert found == [
        "surely_not_installed_anywhere is imported by app/main.py:2 but no distribution in this environment provides it"
    ]


def test_dependencies_count_unless_no_deps(tmp_path: Path) -> None:
    source = "import aiohttp\nimport yarl\nimport multidict\n"
    assert problems(tmp_path / "a", source, f"aiohttp=={AIOHTTP}\n") == []
    no_deps = DOCKERFILE.replace("--no-cache-dir", "--no-deps")
    found = problems(tmp_path / "b", source, f"aiohttp=={AIOHTTP}\n", dockerfile=no_deps)
    assert [p.split(" ")[0] for p in found] == ["multidict", "yarl"]


def test_extras_are_followed(tmp_path: Path) -> None:
    source = "import socketio\nimport aiohttp\n"
    with_extra = f"python-socketio[asyncio_client]=={SOCKETIO}\naiohttp=={AIOHTTP}; python_version < '3'\n"
    assert problems(tmp_path / "a", source, with_extra) == []
    found = problems(tmp_path / "b", source, f"python-socketio=={SOCKETIO}\n")
    assert found == ["aiohttp (distribution aiohttp) is imported by app/main.py:2 but the image does not install it"]


def test_packages_must_be_pinned_to_the_environment_s_version(tmp_path: Path) -> None:
    found = problems(tmp_path / "a", "import yaml\n", "PyYAML\n")
    assert found == ["line 5: PyYAML is not pinned (==, or a -c constraints file such as a lock)"]
    found = problems(tmp_path / "b", "import yaml\n", "PyYAML==5.1\n")
    assert found == [f"line 5: PyYAML==5.1 in the image, {YAML} in this environment"]


def test_pins_from_a_constraints_file(tmp_path: Path) -> None:
    dockerfile = f"""\
        FROM python:{PYTHON}-slim
        ARG LOCK=requirements.lock
        WORKDIR /app
        COPY ${{LOCK}} requirements.txt ./
        RUN PIP_NO_CACHE_DIR=1 python3 -m pip install -c ${{LOCK}} -r requirements.txt && rm -rf /tmp/*
        COPY app app
    """
    lock = f"# pip freeze\nPyYAML=={YAML}\naiohttp==1.0\n"
    good = problems(tmp_path / "a", "import yaml\n", "PyYAML\n", dockerfile=dockerfile, **{"requirements.lock": lock})
    assert good == []
    wrong = "PyYAML==0.1\n"
    found = problems(tmp_path / "b", "import yaml\n", "PyYAML\n", dockerfile=dockerfile, **{"requirements.lock": wrong})
    assert found == [f"line 5: PyYAML==0.1 in the image, {YAML} in this environment"]


def test_a_requirement_file_the_dockerfile_does_not_copy_fails(tmp_path: Path) -> None:
    dockerfile = DOCKERFILE.replace("COPY requirements.txt requirements/\n", "")
    found = problems(tmp_path, "import yaml\n", dockerfile=dockerfile)
    assert found[0] == (
        "line 4: pip reads /app/requirements/requirements.txt, which the Dockerfile has not copied into the image"
    )
    assert "yaml (distribution pyyaml) is imported by app/main.py:1 but the image does not install it" in found


def test_repository_packages_must_be_copied(tmp_path: Path) -> None:
    found = problems(tmp_path / "a", "import yaml\nimport lib\n", **{"lib/__init__.py": ""})
    assert found == ["lib/ is imported by app/main.py:2 but the Dockerfile does not copy it into the image"]
    dockerfile = DOCKERFILE.replace("COPY app app\n", "COPY . .\n")
    assert problems(tmp_path / "b", "import yaml\nimport lib\n", dockerfile=dockerfile, **{"lib/__init__.py": ""}) == []
    dockerfile = DOCKERFILE.replace("COPY app app\n", "")
    found = problems(tmp_path / "c", "import yaml\n", dockerfile=dockerfile)
    assert found == ["app/ is checked but the Dockerfile does not copy it into the image"]


def test_the_base_image_must_match_this_environment(tmp_path: Path) -> None:
    found = problems(tmp_path / "a", "import yaml\n", dockerfile=DOCKERFILE.replace(PYTHON, "3.8"))
    assert found == [f"the base image python:3.8-slim has Python 3.8, this environment {PYTHON}"]
    context = make_context(tmp_path / "b", {"app/__init__.py": "import yaml\n"})
    report = check(context, ["app"], stock_image("rasa/rasa:3.6.21-full"))  # Rasa is not installed here
    assert report.problems[0] == "rasa is not installed here: run this check in the environment of the code"


def test_unknown_base_images_and_multi_stage_builds_are_refused(tmp_path: Path) -> None:
    context = make_context(tmp_path, {"A": "FROM node:20\n", "B": f"FROM python:{PYTHON} AS a\nFROM python:{PYTHON}\n"})
    with pytest.raises(DockerfileError, match="unknown base image node:20"):
        read_dockerfile(context / "A", context)
    with pytest.raises(DockerfileError, match="exactly one FROM"):
        read_dockerfile(context / "B", context)


def test_reading_a_dockerfile() -> None:
    steps = instructions("# c\nFROM x\nRUN a \\\n  # inside\n  b \\\n  c\n\nUSER 1001\n")
    assert [(s.keyword, s.arguments, s.line) for s in steps] == [
        ("FROM", "x", 2),
        ("RUN", "a b c", 3),
        ("USER", "1001", 8),
    ]
    assert substitute("python:${PY:-3.9}-slim $X ${Y}", {"PY": "3.11", "X": "x"}) == "python:3.11-slim x ${Y}"
    assert pip_install_commands(
        "apt-get update && pip install -q 'a==1' b; /opt/venv/bin/pip3 install -r r.txt | tee x; pip uninstall c"
    ) == [["-q", "a==1", "b"], ["-r", "r.txt"]]


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    context = make_context(
        tmp_path,
        {"Dockerfile": DOCKERFILE, "requirements.txt": f"PyYAML=={YAML}\n", "app/__init__.py": "import yaml\n"},
    )
    arguments = ["--context", str(context), "--dockerfile", "Dockerfile", "app"]
    assert main(arguments) == 0
    assert capsys.readouterr().out.startswith("Dockerfile: ok,")
    (context / "app" / "__init__.py").write_text("import yaml\nimport redis\n", encoding="utf-8")
    assert main(arguments) == 1
    assert "redis (distribution redis) is imported by app/__init__.py:2" in capsys.readouterr().out
    (context / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    assert main(arguments) == 2
    assert "unknown base image scratch" in capsys.readouterr().err
