"""Does a container image install every third-party package its code imports?

No container engine runs on the development and CI machines, so images are not built there;
this check reads the Dockerfile instead and answers from package metadata:

    .venv/bot/bin/python -m tools.image_deps --dockerfile bot/Dockerfile bot kb
    .venv/bot/bin/python -m tools.image_deps --dockerfile actions/Dockerfile actions kb
    .venv/app/bin/python -m tools.image_deps --dockerfile handoff/Dockerfile handoff kb
    .venv/bot/bin/python -m tools.image_deps --image rasa/rasa:3.6.21-full bot kb   # a stock image

Run it with the Python of the environment the code runs in (the bot environment for ``bot/`` and
``actions/``, the app environment for ``handoff/``): which distribution provides a module, and
what each distribution depends on, come from the metadata installed there. Standard library and
``packaging`` only (both environments have it).

What the code imports: every ``import``/``from ... import`` of the given packages (parsed with
``ast``, not executed), except the standard library (``sys.stdlib_module_names``), relative
imports and imports under ``if TYPE_CHECKING:``. Imports of the repository's own top-level
packages must be copied into the image.

What the image installs:
- its base image (``FROM``), for the images this project uses: ``rasa/rasa:<version>[-full]``
  is the closure of ``rasa[full]`` (or ``rasa``), ``rasa/rasa-sdk:<version>`` that of
  ``rasa-sdk``, ``python:<version>-slim`` nothing but the standard library. The version in the
  tag must be the one installed here, or the metadata would describe another release;
- every ``pip install`` of a ``RUN`` line: the requirements it names and those of its ``-r``
  files (which must have been copied into the image before), each with its dependencies
  (Requires-Dist with markers evaluated, extras followed), unless ``--no-deps``.

Also checked: every package a ``pip install`` names is pinned (``==`` on the line, or by a
``-c`` constraints file) to the version installed in this environment, so the image runs what
the tests ran.

Limits: the closure of a distribution that is not installed here (e.g. spaCy, which
``rasa[full]`` brings) is unknown and counted as that one distribution only, which errs towards
reporting a package missing, never towards passing; imports made by name at run time
(``importlib.import_module``, Rasa's ``config.yml``) are not seen; multi-stage builds and
heredocs in ``RUN`` are not supported.
"""

from __future__ import annotations

import argparse
import ast
import glob
import importlib.metadata as metadata
import json
import posixpath
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


class DockerfileError(ValueError):
    """The Dockerfile uses something this check cannot follow."""


# --- what the code imports -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSite:
    module: str  # the top-level name, e.g. "sklearn"
    path: str  # relative to the context
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _ImportCollector(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: List[Tuple[str, int]] = []

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:  # only the `else:` runs
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((alias.name.split(".")[0], node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self.found.append((node.module.split(".")[0], node.lineno))


def python_files(context: Path, packages: Sequence[str]) -> Iterator[Path]:
    for package in packages:
        base = context / package
        if base.is_file():
            yield base
            continue
        if not base.is_dir():
            raise FileNotFoundError(f"{package}: no such package in {context}")
        for path in sorted(base.rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path


def imports_of(context: Path, packages: Sequence[str]) -> List[ImportSite]:
    """Every absolute import in the packages' source files (without running them)."""
    sites: List[ImportSite] = []
    for path in python_files(context, packages):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        collector = _ImportCollector()
        collector.visit(tree)
        relative = path.relative_to(context).as_posix()
        sites.extend(ImportSite(module, relative, line) for module, line in collector.found)
    return sites


def first_party_names(context: Path) -> Set[str]:
    """Top-level packages and modules of the repository (the build context)."""
    names = {p.name for p in context.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    names |= {p.stem for p in context.glob("*.py")}
    return names


# --- the environment the code runs in --------------------------------------------------------


def top_level_modules(dist: metadata.Distribution) -> Set[str]:
    """The importable top-level names a distribution installs.

    ``importlib.metadata.packages_distributions()`` of Python 3.10 reads only ``top_level.txt``,
    which wheels built by Poetry (Rasa) or meson (SciPy) do not have; the files listed in
    RECORD say it for every wheel.
    """
    declared = (dist.read_text("top_level.txt") or "").split()
    if declared:
        return {name.split("/")[0] for name in declared}
    modules: Set[str] = set()
    for file in dist.files or []:
        parts = file.parts
        if not parts or parts[0].startswith(".") or parts[0] == "..":
            continue
        first = parts[0]
        if len(parts) == 1:
            if first.endswith((".py", ".so", ".pyd")):
                modules.add(first.split(".")[0])
        elif not first.endswith((".dist-info", ".egg-info", ".data")) and first != "__pycache__":
            modules.add(first)
    return {m for m in modules if m.isidentifier()}


def _extras(requirement: Requirement) -> FrozenSet[str]:
    # as written and normalised: current metadata says `extra == "asyncio-client"` for
    # `[asyncio_client]`, and packaging 20.9 (the bot environment) compares them literally
    return frozenset(requirement.extras) | frozenset(canonicalize_name(extra) for extra in requirement.extras)


class Environment:
    """The installed distributions of this interpreter, by canonical name, and who provides a module."""

    def __init__(self) -> None:
        self.distributions: Dict[str, metadata.Distribution] = {}
        for dist in metadata.distributions():
            name = dist.metadata["Name"]
            if name:
                self.distributions.setdefault(canonicalize_name(name), dist)  # first on sys.path wins
        providers: Dict[str, Set[str]] = {}
        for name, dist in self.distributions.items():
            for module in top_level_modules(dist):
                providers.setdefault(module, set()).add(name)
        self.providers: Dict[str, List[str]] = {module: sorted(names) for module, names in providers.items()}
        self.stdlib: FrozenSet[str] = frozenset(sys.stdlib_module_names)
        self.python = f"{sys.version_info.major}.{sys.version_info.minor}"

    def version(self, name: str) -> Optional[str]:
        dist = self.distributions.get(canonicalize_name(name))
        return None if dist is None else dist.version

    def closure(self, roots: Iterable[Requirement], unresolved: Optional[Set[str]] = None) -> Set[str]:
        """The roots and everything they depend on, by canonical name.

        Names without installed metadata are included but not followed (added to ``unresolved``).
        """
        names: Set[str] = set()
        seen: Set[Tuple[str, FrozenSet[str]]] = set()
        todo: List[Tuple[str, FrozenSet[str]]] = [(canonicalize_name(r.name), _extras(r)) for r in roots]
        while todo:
            name, extras = todo.pop()
            if (name, extras) in seen:
                continue
            seen.add((name, extras))
            names.add(name)
            dist = self.distributions.get(name)
            if dist is None:
                if unresolved is not None:
                    unresolved.add(name)
                continue
            for line in dist.requires or []:
                requirement = Requirement(line)
                if requirement.marker is not None and not any(
                    requirement.marker.evaluate({"extra": extra}) for extra in ("", *sorted(extras))
                ):
                    continue
                todo.append((canonicalize_name(requirement.name), _extras(requirement)))
        return names


# --- what the Dockerfile installs ------------------------------------------------------------


@dataclass(frozen=True)
class BaseImage:
    distribution: Optional[str]  # what the image is built around; None: only the standard library
    extras: Tuple[str, ...]
    version: Optional[str]  # from the tag
    workdir: str


def base_image(reference: str) -> BaseImage:
    """What a known base image brings. Unknown images are refused rather than guessed."""
    name, _, tag = reference.split("@")[0].partition(":")
    tag = tag or "latest"
    if name.startswith("docker.io/"):
        name = name[len("docker.io/") :]
    if name.startswith("library/"):
        name = name[len("library/") :]
    if name == "rasa/rasa":
        version, _, variant = tag.partition("-")
        return BaseImage("rasa", ("full",) if variant == "full" else (), version, "/app")
    if name == "rasa/rasa-sdk":
        return BaseImage("rasa-sdk", (), tag.partition("-")[0], "/app")
    if name == "python":
        return BaseImage(None, (), tag.partition("-")[0], "/")
    raise DockerfileError(f"unknown base image {reference}: say in tools/image_deps.py what it installs")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    line: int


def instructions(text: str) -> List[Instruction]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    result: List[Instruction] = []
    parts: List[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue  # also inside a continued instruction, as Docker does
        if not parts:
            start = number
        if stripped.endswith("\\"):
            parts.append(stripped[:-1].strip())
            continue
        parts.append(stripped)
        keyword, _, arguments = " ".join(parts).partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip(), start))
        parts = []
    if parts:
        keyword, _, arguments = " ".join(parts).partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip(), start))
    return result


_VARIABLE = re.compile(r"\$\{(\w+)(?::?[-+]([^}]*))?\}|\$(\w+)")


def substitute(text: str, variables: Dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables:
            return variables[name]
        return match.group(2) if match.group(2) is not None else match.group(0)

    return _VARIABLE.sub(value, text)


def _words(arguments: str) -> List[str]:
    if arguments.startswith("["):
        words = json.loads(arguments)
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise DockerfileError(f"cannot read {arguments!r}")
        return words
    return shlex.split(arguments)


# pip options that take a value (those not listed are flags)
_PIP_VALUE_OPTIONS = {
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix",
    "--root", "--platform", "--python-version", "--implementation", "--abi", "--src",
    "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log", "--trusted-host", "--proxy",
    "--retries", "--timeout", "--exists-action", "--cert", "--client-cert", "--global-option",
    "--config-settings", "-C", "--no-binary", "--only-binary", "--report", "--root-user-action",
    "--python", "--keyring-provider", "--resume-retries", "--group",
}  # fmt: skip
_PIP = re.compile(r"pip(3(\.\d+)?)?$")
_PYTHON = re.compile(r"python(3(\.\d+)?)?$")


def pip_install_commands(shell: str) -> List[List[str]]:
    """The arguments of each ``pip install`` (or ``python -m pip install``) in a shell command."""
    lexer = shlex.shlex(shell, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: List[List[str]] = [[]]
    for token in lexer:
        if token and all(ch in "();<>|&" for ch in token):
            commands.append([])
        else:
            commands[-1].append(token)
    found: List[List[str]] = []
    for command in commands:
        words = list(command)
        while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
            words.pop(0)  # `NAME=value pip install ...`
        for index, word in enumerate(words):
            program = posixpath.basename(word)
            rest: Optional[List[str]] = None
            if _PIP.match(program):
                rest = words[index + 1 :]
            elif _PYTHON.match(program) and words[index + 1 : index + 3] == ["-m", "pip"]:
                rest = words[index + 3 :]
            if rest is not None:
                if rest[:1] == ["install"]:
                    found.append(rest[1:])
                break
    return found


@dataclass
class PipInstall:
    line: int
    requirements: List[Requirement] = field(default_factory=list)
    pins: Dict[str, str] = field(default_factory=dict)  # canonical name -> version, from -c files
    no_deps: bool = False
    sources: List[str] = field(default_factory=list)  # requirement and constraint files read


@dataclass
class Image:
    """What a Dockerfile (or a stock image) puts into the image, as far as this check can tell."""

    base: BaseImage
    base_reference: str
    installs: List[PipInstall] = field(default_factory=list)
    copied: Set[str] = field(default_factory=set)  # top-level names of the context copied in
    problems: List[str] = field(default_factory=list)
    code_mounted: bool = False  # a stock image: the code comes in through volumes, not COPY


class _Files:
    """Which file of the build context an image path holds, from the COPY instructions so far."""

    def __init__(self, context: Path) -> None:
        self.context = context
        self.mappings: List[Tuple[str, Path, bool]] = []  # image path, context path, is a directory

    def copy(self, sources: Sequence[str], destination: str, workdir: str) -> Set[str]:
        """Record a COPY; returns the top-level names of the context it copies ("*": all of them)."""
        target = posixpath.normpath(posixpath.join(workdir, destination))
        into_directory = destination.endswith("/") or len(sources) > 1
        top_level: Set[str] = set()
        for source in sources:
            pattern = posixpath.normpath(source.lstrip("/"))
            globbed = glob.has_magic(pattern)
            matches = sorted(glob.glob(str(self.context / pattern))) if globbed else [str(self.context / pattern)]
            for match in matches:
                path = Path(match)
                relative = "." if path == self.context else path.relative_to(self.context).as_posix()
                if relative == ".":
                    top_level.add("*")
                elif "/" not in relative:
                    top_level.add(relative[: -len(".py")] if relative.endswith(".py") else relative)
                if path.is_dir():
                    self.mappings.append((target, path, True))
                else:
                    image_path = posixpath.join(target, path.name) if into_directory or globbed else target
                    self.mappings.append((image_path, path, False))
        return top_level

    def resolve(self, image_path: str) -> Optional[Path]:
        for target, source, is_directory in reversed(self.mappings):
            if image_path == target and not is_directory:
                return source
            if is_directory and (image_path + "/").startswith(target.rstrip("/") + "/"):
                candidate = source / posixpath.relpath(image_path, target)
                if candidate.is_file():
                    return candidate
        return None


def _requirement_file(
    image_path: str, files: _Files, install: PipInstall, constraint: bool, image: Image, depth: int = 0
) -> None:
    source = files.resolve(image_path)
    if source is None:
        image.problems.append(
            f"line {install.line}: pip reads {image_path}, which the Dockerfile has not copied into the image"
        )
        return
    install.sources.append(source.relative_to(files.context).as_posix())
    directory = posixpath.dirname(image_path)
    text = re.sub(r"\\\n", " ", source.read_text(encoding="utf-8"))
    for raw in text.splitlines():
        line = re.sub(r"\s--hash[=\s]\S+", "", re.sub(r"(^|\s)#.*$", "", raw)).strip()
        if not line:
            continue
        if line.startswith("-"):
            option, _, value = line.replace("=", " ", 1).partition(" ")
            value = value.strip()
            if option in ("-r", "--requirement", "-c", "--constraint") and depth < 10:
                nested = posixpath.normpath(posixpath.join(directory, value))
                nested_constraint = constraint or option in ("-c", "--constraint")
                _requirement_file(nested, files, install, nested_constraint, image, depth + 1)
            elif option in ("-e", "--editable"):
                image.problems.append(f"{source.name}: editable install {value!r} is not supported by this check")
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            image.problems.append(f"{source.name}: cannot tell what {line!r} installs")
            continue
        if constraint:
            pinned = _pinned_version(requirement)
            if pinned is not None:
                install.pins[canonicalize_name(requirement.name)] = pinned
        else:
            install.requirements.append(requirement)


def _pinned_version(requirement: Requirement) -> Optional[str]:
    specifiers = list(requirement.specifier)
    if len(specifiers) == 1 and specifiers[0].operator in ("==", "===") and "*" not in specifiers[0].version:
        return specifiers[0].version
    return None


def _pip_install(arguments: List[str], line: int, workdir: str, files: _Files, image: Image) -> PipInstall:
    install = PipInstall(line)
    words = iter(arguments)
    for word in words:
        option, equals, attached = word.partition("=")
        if word in ("-r", "--requirement", "-c", "--constraint") or (
            equals and option in ("--requirement", "--constraint")
        ):
            value = attached if equals else next(words, "")
            constraint = option in ("-c", "--constraint")
            _requirement_file(posixpath.normpath(posixpath.join(workdir, value)), files, install, constraint, image)
        elif re.match(r"^-[rc].", word):
            value = posixpath.normpath(posixpath.join(workdir, word[2:]))
            _requirement_file(value, files, install, word[1] == "c", image)
        elif word == "--no-deps":
            install.no_deps = True
        elif word in ("-e", "--editable"):
            image.problems.append(f"line {line}: editable installs are not supported by this check")
            next(words, None)
        elif word in _PIP_VALUE_OPTIONS:
            next(words, None)
        elif word.startswith("-"):
            continue
        else:
            try:
                install.requirements.append(Requirement(word))
            except InvalidRequirement:
                image.problems.append(f"line {line}: cannot tell what pip installs from {word!r}")
    return install


def read_dockerfile(dockerfile: Path, context: Path) -> Image:
    """The base image, pip installs and copied packages of a single-stage Dockerfile."""
    steps = instructions(dockerfile.read_text(encoding="utf-8"))
    if sum(1 for step in steps if step.keyword == "FROM") != 1:
        raise DockerfileError(f"{dockerfile}: exactly one FROM expected (multi-stage builds are not supported)")
    variables: Dict[str, str] = {}
    files = _Files(context)
    image: Optional[Image] = None
    workdir = "/"
    for step in steps:
        arguments = substitute(step.arguments, variables)
        if step.keyword in ("ARG", "ENV"):
            words = _words(step.arguments)
            if step.keyword == "ENV" and len(words) >= 2 and "=" not in words[0]:
                variables[words[0]] = " ".join(words[1:])  # legacy `ENV NAME value`
            else:
                for word in words:
                    name, equals, value = word.partition("=")
                    if equals:
                        variables[name] = substitute(value, variables)
        elif step.keyword == "FROM":
            words = [w for w in arguments.split() if not w.startswith("--")]
            base = base_image(words[0])
            image = Image(base=base, base_reference=words[0])
            workdir = base.workdir
        elif image is None:
            continue  # nothing but ARG may come before FROM
        elif step.keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, arguments))
        elif step.keyword in ("COPY", "ADD"):
            words = _words(arguments)
            if any(w.startswith("--from") for w in words):
                continue
            words = [w for w in words if not w.startswith("--")]
            image.copied |= files.copy(words[:-1], words[-1], workdir)
        elif step.keyword == "RUN":
            shell = " ".join(_words(arguments)) if arguments.startswith("[") else arguments
            if "<<" in shell:
                raise DockerfileError(f"{dockerfile}:{step.line}: heredocs in RUN are not supported by this check")
            for pip_arguments in pip_install_commands(shell):
                image.installs.append(_pip_install(pip_arguments, step.line, workdir, files, image))
    assert image is not None  # exactly one FROM
    return image


def stock_image(reference: str) -> Image:
    return Image(base=base_image(reference), base_reference=reference, code_mounted=True)


# --- the check -------------------------------------------------------------------------------


@dataclass
class Report:
    problems: List[str]
    installed: Set[str]  # canonical names of every distribution the image has
    unresolved: Set[str]  # in the image, but without metadata here: their dependencies are not counted
    third_party: Dict[str, List[str]]  # module -> distributions providing it


def installed_by(image: Image, environment: Environment, unresolved: Set[str]) -> Tuple[Set[str], List[str]]:
    """Every distribution the image has, and the problems with its base image and pins."""
    problems: List[str] = []
    installed: Set[str] = set()
    base = image.base
    if base.distribution is None:
        if base.version and base.version != environment.python:
            problems.append(
                f"the base image {image.base_reference} has Python {base.version}, "
                f"this environment {environment.python}"
            )
    else:
        have = environment.version(base.distribution)
        if have is None:
            problems.append(f"{base.distribution} is not installed here: run this check in the environment of the code")
        elif base.version != have:
            problems.append(
                f"the base image {image.base_reference} has {base.distribution} {base.version}, "
                f"this environment {have}: its metadata would describe another release"
            )
        extras = f"[{','.join(base.extras)}]" if base.extras else ""
        installed |= environment.closure([Requirement(f"{base.distribution}{extras}")], unresolved)
    for install in image.installs:
        for requirement in install.requirements:
            name = canonicalize_name(requirement.name)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            pinned = _pinned_version(requirement) or install.pins.get(name)
            have = environment.version(name)
            if pinned is None:
                problems.append(
                    f"line {install.line}: {requirement.name} is not pinned "
                    "(==, or a -c constraints file such as a lock)"
                )
            elif have is not None and pinned != have:
                problems.append(
                    f"line {install.line}: {requirement.name}=={pinned} in the image, {have} in this environment"
                )
            if have is None:
                problems.append(
                    f"line {install.line}: {requirement.name} is installed by the Dockerfile "
                    "but not in this environment"
                )
            if install.no_deps:
                installed.add(name)
            else:
                installed |= environment.closure([requirement], unresolved)
    return installed, problems


def check(context: Path, packages: Sequence[str], image: Image, environment: Optional[Environment] = None) -> Report:
    environment = environment or Environment()
    unresolved: Set[str] = set()
    installed, problems = installed_by(image, environment, unresolved)
    problems = list(image.problems) + problems
    own = first_party_names(context)
    mounted = image.code_mounted
    third_party: Dict[str, List[str]] = {}
    missing: Dict[str, List[ImportSite]] = {}
    unknown: Dict[str, List[ImportSite]] = {}
    not_copied: Dict[str, List[ImportSite]] = {}
    for package in packages:
        if not mounted and package not in image.copied and "*" not in image.copied:
            problems.append(f"{package}/ is checked but the Dockerfile does not copy it into the image")
    for site in imports_of(context, packages):
        module = site.module
        if module in environment.stdlib or module == "__main__":
            continue
        if module in own:
            if not mounted and module not in image.copied and "*" not in image.copied:
                not_copied.setdefault(module, []).append(site)
            continue
        providers = environment.providers.get(module)
        if not providers:
            unknown.setdefault(module, []).append(site)
            continue
        third_party[module] = providers
        if not any(p in installed for p in providers):
            missing.setdefault(module, []).append(site)
    for module, sites in sorted(missing.items()):
        names = " or ".join(third_party[module])
        problems.append(
            f"{module} (distribution {names}) is imported by {_where(sites)} but the image does not install it"
        )
    for module, sites in sorted(unknown.items()):
        problems.append(f"{module} is imported by {_where(sites)} but no distribution in this environment provides it")
    for module, sites in sorted(not_copied.items()):
        problems.append(f"{module}/ is imported by {_where(sites)} but the Dockerfile does not copy it into the image")
    return Report(problems, installed, unresolved, third_party)


def _where(sites: List[ImportSite]) -> str:
    shown = ", ".join(str(s) for s in sites[:3])
    return shown + (f" and {len(sites) - 3} more" if len(sites) > 3 else "")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.image_deps", description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dockerfile", type=Path, help="the image's Dockerfile")
    source.add_argument("--image", help="a stock image used as it is, e.g. rasa/rasa:3.6.21-full")
    parser.add_argument("--context", type=Path, default=ROOT, help="the build context (default: the repository)")
    parser.add_argument("packages", nargs="+", help="the packages of the context the image runs, e.g. bot kb")
    args = parser.parse_args(argv)
    context: Path = args.context.resolve()
    try:
        if args.dockerfile is not None:
            dockerfile = args.dockerfile if args.dockerfile.is_absolute() else context / args.dockerfile
            image = read_dockerfile(dockerfile, context)
            name = dockerfile.relative_to(context).as_posix() if dockerfile.is_relative_to(context) else str(dockerfile)
        else:
            image = stock_image(args.image)
            name = args.image
        report = check(context, args.packages, image)
    except (DockerfileError, FileNotFoundError, SyntaxError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(f"{name}: {problem}")
    if report.problems:
        return 1
    modules = ", ".join(f"{m} ({'/'.join(d)})" for m, d in sorted(report.third_party.items()))
    print(f"{name}: ok, {len(report.installed)} distributions in the image; {' '.join(args.packages)} import {modules}")
    if report.unresolved:
        print(f"  (not installed here, dependencies not counted: {', '.join(sorted(report.unresolved))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
