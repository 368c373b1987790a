"""The rules compiled to C with mypyc, and their sources as the fallback.

Extraction's time went to Python itself, spread thin: reading attributes, calling small
methods, walking short lists, sentence after sentence in the relation rules and match
after match in the finders. The same modules compiled with mypyc (from their type
annotations, `configs/native.yaml`) run the relation rules about twice as fast and the
finders a fifth faster (README, "Compiled rules"). The compiled modules are build products
of `make native` (run by `make install`), never checked in, and the sources stay the truth:

- no C compiler, no mypyc, or a failed build: the sources run, and the build says why;
- a source edited after the build: the compiled copies are stale and set aside (all of
  them, with a warning naming the edited files) until the next build;
- `AIFACTS_PURE=1`: the sources run, e.g. to compare or to step through with a debugger.

The decision is `install()`, called by the entry points that extract before they import a
compiled module (importing one decides nothing, so the warehouse can import `Statement`
without hashing the sources): a finder put first on `sys.meta_path` then loads those
modules from their `.py` files. A compiled module imported before the decision stays
compiled; `install()` says so when it then decides for the sources.

    python -m extractors.build_native          # build when the sources changed (make native)
    python -m extractors.build_native status   # what runs in this environment
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = Path(__file__).with_name("native.json")  # what the last build compiled, from which sources
GROUP = "extractors.native_rules"  # the shared library the compiled modules live in
PURE_ENV = "AIFACTS_PURE"


class NativeBuildError(RuntimeError):
    """The compiled build could not be made; the message says which step failed and why."""


def planned() -> list[str]:
    """The modules to compile: `modules` of configs/native.yaml."""
    from extractors.config import ConfigError, load_yaml
    modules = load_yaml("native.yaml").get("modules") or []
    if not isinstance(modules, list) or not all(isinstance(m, str) and m.startswith("extractors.") for m in modules):
        raise ConfigError(f"native.yaml modules: expected a list of extractors.* module names, got {modules!r}")
    return modules


def source_of(module: str, root: Path = ROOT) -> Path:
    return root / (module.replace(".", "/") + ".py")


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def read_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def stale_sources(manifest: dict[str, Any], root: Path = ROOT) -> list[str]:
    """The compiled modules whose source changed since the build."""
    sources = manifest.get("sources") or {}
    return [m for m, digest in sources.items() if _digest(root / (m.replace(".", "/") + ".py")) != digest]


def wants_pure(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return environ.get(PURE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


class _SourcesFirst:
    """A meta-path finder that loads the named modules from their `.py` files, so an
    extension module beside them (compiled, possibly stale) is not imported."""

    def __init__(self, modules: Sequence[str], root: Path) -> None:
        self.modules = set(modules)
        self.root = root

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, self.root / (fullname.replace(".", "/") + ".py"))


@lru_cache(maxsize=1)
def install() -> str:
    """Decides, once per process, whether the compiled modules run; returns why not, or ""."""
    manifest = read_manifest()
    if not manifest.get("compiled"):
        return "not built" + (f": {manifest['error']}" if manifest.get("error") else "")
    why = ""
    if wants_pure():
        why = f"{PURE_ENV} is set"
    else:
        edited = ", ".join(source_of(m).relative_to(ROOT).as_posix() for m in stale_sources(manifest))
        if edited:
            why = f"stale: {edited} changed since the build"
            warnings.warn(f"aifacts: the compiled rules are older than their sources ({edited}); "
                          "running the sources until `make native` rebuilds them", RuntimeWarning, stacklevel=3)
    if why:
        modules = list(manifest.get("sources") or {})
        early = sorted(m for m in modules if _loaded_compiled(m))
        if early:
            warnings.warn(f"aifacts: {', '.join(early)} imported before extractors.native.install() decided for "
                          f"the sources ({why}); they stay compiled in this process", RuntimeWarning, stacklevel=3)
        sys.meta_path.insert(0, _SourcesFirst(modules, ROOT))
    return why


def _loaded_compiled(module: str) -> bool:
    found = sys.modules.get(module)
    return found is not None and not str(getattr(found, "__file__", "")).endswith(".py")


def active() -> bool:
    """Whether this process runs the compiled relation rules (deciding it, if not yet done)."""
    install()
    import extractors.relations as relations
    return not str(relations.__file__).endswith(".py")


def _built_files(modules: Sequence[str], root: Path = ROOT) -> list[Path]:
    stems = [root / m.replace(".", "/") for m in [*modules, GROUP]]
    names = [stem.with_name(stem.name + tail + suffix) for stem in stems for tail in ("", "__mypyc")
             for suffix in importlib.machinery.EXTENSION_SUFFIXES]
    return [p for p in names if p.exists()]


def remove_built(modules: Sequence[str], root: Path = ROOT) -> None:
    for p in _built_files(modules, root):
        p.unlink(missing_ok=True)


_SETUP = """
import os, sys
from concurrent.futures import ThreadPoolExecutor
from setuptools import setup
from mypyc.build import mypycify
import distutils.ccompiler


def compile_in_parallel(self, sources, output_dir=None, macros=None, include_dirs=None, debug=0,
                        extra_preargs=None, extra_postargs=None, depends=None):
    macros, objects, extra_postargs, pp_opts, build = self._setup_compile(
        output_dir, macros, include_dirs, sources, depends, extra_postargs)
    cc_args = self._get_cc_args(pp_opts, debug, extra_preargs)

    def one(obj):
        src, ext = build[obj]
        self._compile(obj, src, ext, cc_args, extra_postargs, pp_opts)

    with ThreadPoolExecutor(max(1, len(os.sched_getaffinity(0)))) as pool:
        list(pool.map(one, objects))
    return objects


distutils.ccompiler.CCompiler.compile = compile_in_parallel
files, group, work = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
modules = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *files], opt_level="3",
                   group_name=group, target_dir=work + "/c", multi_file=True)
for ext in modules:  # a dotted group keeps its headers in its package's folder
    ext.include_dirs.append(os.path.join(work, "c", *group.split(".")[:-1]))
setup(name="aifacts-native", packages=[], py_modules=[], ext_modules=modules,
      script_args=["build_ext", "--inplace", "--build-temp", work + "/t", "--build-lib", work + "/l"])
"""

def build(force: bool = False, root: Path = ROOT, modules: list[str] | None = None) -> dict[str, Any]:
    """Compiles the planned modules in place unless the last build used the same sources;
    writes the manifest either way. A failed build leaves the sources to run and says why."""
    import subprocess
    import tempfile
    modules = planned() if modules is None else modules
    sources = {m: _digest(source_of(m, root)) for m in modules}
    manifest_path = root / MANIFEST.relative_to(ROOT)
    builder = _digest(Path(__file__))  # a changed recipe builds again, even after a failure
    old = read_manifest(manifest_path)
    if not force and old.get("sources") == sources and old.get("builder") == builder \
            and (not old.get("compiled") or _built_files(modules, root)):
        manifest_path.touch()  # up to date (make compares its time with the sources')
        return old
    remove_built(list(old.get("sources") or {}) + modules, root)
    manifest_path.unlink(missing_ok=True)
    manifest: dict[str, Any] = {"compiled": False, "sources": sources, "modules": modules, "builder": builder}
    try:
        with tempfile.TemporaryDirectory(prefix="aifacts-native-") as work:
            files = ",".join(str(source_of(m, root).relative_to(root)) for m in modules)
            proc = subprocess.run([sys.executable, "-c", _SETUP, files, GROUP, work], cwd=root,
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-12:])
                raise NativeBuildError(f"mypyc build failed (exit {proc.returncode}):\n{tail}")
        if len(_built_files(modules, root)) < len(modules) + 1:
            raise NativeBuildError("mypyc build ran but left no extension modules beside the sources")
        manifest["compiled"] = True
    except (OSError, NativeBuildError) as exc:
        remove_built(modules, root)
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        cause = next((line for line in lines[1:] if "error" in line.lower()), lines[-1] if len(lines) > 1 else "")
        manifest["error"] = f"{lines[0]} {cause}".strip()[:500]
        print(f"aifacts: relation rules not compiled, the Python sources will run: {exc}", file=sys.stderr)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["status"]:
        manifest = read_manifest()
        why = install()
        state = "compiled" if active() else f"sources ({why})"
        print(f"relation rules: {state}; modules: {', '.join(manifest.get('modules') or planned())}")
        return 0
    manifest = build(force=args[:1] == ["--force"])
    print(f"relation rules: {'compiled' if manifest.get('compiled') else 'sources'} "
          f"({len(manifest.get('modules') or [])} modules)")
    return 0

