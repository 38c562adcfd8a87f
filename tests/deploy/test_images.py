"""Every third-party import of the code a container runs is installed in its image.

No container engine runs here, so the images are not built: tools/image_deps.py reads each
service's Dockerfile (or the stock image it uses) from docker-compose.yml and answers from the
package metadata of the environment the code runs in (the bot environment for Rasa and the
action server, the app environment for the gateway).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]

# service of docker-compose.yml -> (environment the code runs in, packages of the repository it runs)
SERVICES: Dict[str, Tuple[str, List[str]]] = {
    "rasa": ("bot", ["bot", "kb"]),
    "actions": ("bot", ["actions", "kb"]),
    "gateway": ("app", ["handoff", "kb"]),
}


def python_of(environment: str) -> Path:
    python = ROOT / ".venv" / environment / "bin" / "python"
    if not python.exists():
        skip_or_fail(f"no {environment} environment (.venv/{environment}): make envs")
    return python


def image_arguments(service: str) -> List[str]:
    """How docker-compose.yml makes the service's image: a Dockerfile, or a stock image as it is."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    definition = compose["services"][service]
    build = definition.get("build")
    if build is None:
        return ["--image", definition["image"]]
    if isinstance(build, str):
        build = {"context": build}
    context = ROOT / build.get("context", ".")
    dockerfile = context / build.get("dockerfile", "Dockerfile")
    return ["--context", str(context), "--dockerfile", str(dockerfile)]


def run_check(environment: str, arguments: List[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python_of(environment)), "-m", "tools.image_deps", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_import_is_installed_in_the_image(service: str) -> None:
    environment, packages = SERVICES[service]
    result = run_check(environment, [*image_arguments(service), *packages])
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": ok," in result.stdout


def test_the_stock_rasa_image_lacks_the_classifier_s_stemmer() -> None:
    """What docker-compose used before bot/Dockerfile: the model would not load there."""
    result = run_check("bot", ["--image", "rasa/rasa:3.6.21-full", "bot", "kb"])
    assert result.returncode == 1, result.stdout + result.stderr
    missing = "snowballstemmer (distribution snowballstemmer) is imported by bot/components/kb_classifier.py"
    assert missing in result.stdout


def test_rasa_and_the_action_server_are_built_from_our_dockerfiles() -> None:
    assert image_arguments("rasa")[-1].endswith("bot/Dockerfile")
    assert image_arguments("actions")[-1].endswith("actions/Dockerfile")
    assert image_arguments("gateway")[-1].endswith("handoff/Dockerfile")
