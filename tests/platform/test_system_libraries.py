"""`make run` checks for the system libraries WeasyPrint opens before it starts or creates anything, and
names the Debian packages to install; the README asks for the same ones, and CI installs them but no font."""

from __future__ import annotations

import importlib.util
import re
import signal
from pathlib import Path

import pytest

from napiter import devservices

ROOT = Path(__file__).resolve().parents[2]
EVERYTHING = (
    "napiter memerlukan pustaka sistem: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
)


def _without(monkeypatch: pytest.MonkeyPatch, *absent: str) -> None:
    """Pretend the dynamic linker cannot open the sonames containing any of `absent`."""
    monkeypatch.setattr(devservices, "_loadable", lambda soname: not any(a in soname for a in absent))


def test_this_machine_has_them_all():  # the suite renders PDFs
    assert devservices.missing_system_packages() == []


def test_the_libraries_checked_are_those_weasyprint_opens():
    spec = importlib.util.find_spec("weasyprint")
    assert spec is not None
    assert spec.origin is not None
    ffi = (Path(spec.origin).parent / "text" / "ffi.py").read_text()
    for soname, _package in devservices.PDF_LIBRARIES:
        assert f"'{soname}'" in ffi


@pytest.mark.parametrize(
    ("absent", "packages"),
    [
        (("harfbuzz-subset",), ["libharfbuzz-subset0"]),
        (("pangoft2",), ["libpangoft2-1.0-0"]),
        (("libpango-1.0",), ["libpango-1.0-0"]),
        (("fontconfig",), ["libpango-1.0-0"]),  # a dependency of libpango-1.0-0: installing it brings it
        (("pango", "harfbuzz"), ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"]),
    ],
)
def test_each_missing_library_names_the_package_to_install_once(monkeypatch, absent, packages):
    _without(monkeypatch, *absent)

    assert devservices.missing_system_packages() == packages


def test_make_run_stops_with_one_line_before_it_starts_or_creates_anything(monkeypatch, tmp_path, capsys):
    _without(monkeypatch, "pango")
    started: list[object] = []
    monkeypatch.setattr(signal, "signal", lambda *args: started.append(("signal", args)))
    monkeypatch.setattr(devservices.DevServices, "start", lambda self: started.append(("services", self)))
    monkeypatch.setattr(devservices, "_manage", lambda *args: started.append(("manage", args)))
    monkeypatch.setattr(devservices, "_spawn", lambda *args: started.append(("spawn", args)))
    var_dir = tmp_path / "var"

    assert devservices.run(var_dir, devservices.free_port()) == 1

    out, err = capsys.readouterr()
    assert err == "napiter memerlukan pustaka sistem: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0\n"
    assert out == ""
    assert started == []
    assert not var_dir.exists()


def test_the_readme_asks_for_what_make_run_asks_for_on_a_machine_without_any(monkeypatch):
    _without(monkeypatch, ".so")

    line = devservices.system_packages_line(devservices.missing_system_packages())

    assert line == EVERYTHING
    readme = (ROOT / "README.md").read_text()
    needs = readme.split("## Two commands", 1)[1].split("```", 1)[0]
    assert f"`{line}`" in " ".join(needs.split())


def test_ci_installs_those_packages_and_no_font():
    script = (ROOT / ".ci" / "run").read_text()
    match = re.search(r"^packages=\((.*)\)$", script, re.MULTILINE)
    assert match is not None
    packages = match[1].split()
    assert {package for _soname, package in devservices.PDF_LIBRARIES} <= set(packages)
    assert [p for p in packages if p.startswith(("fonts-", "ttf-"))] == []  # the fonts ship with napiter


def test_make_test_names_every_package_the_suite_needs_in_one_line(monkeypatch, capsys):
    _without(monkeypatch, ".so")
    monkeypatch.setattr(devservices.shutil, "which", lambda program: None)

    assert devservices.main(["check-test"]) == 1

    line = capsys.readouterr().err.strip()
    assert line == (
        "napiter memerlukan pustaka sistem: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
        "libharfbuzz-subset0 chromium chromium-driver poppler-utils softhsm2 gettext"
    )
    readme = " ".join((ROOT / "README.md").read_text().split("## Two commands", 1)[1].split("```", 1)[0].split())
    assert f"`{line}`" in readme
    # CI installs what `make test` asks for, so the two cannot drift apart.
    script = (ROOT / ".ci" / "run").read_text()
    match = re.search(r"^packages=\((.*)\)$", script, re.MULTILINE)
    assert match is not None
    assert {package for _program, package in devservices.TEST_PROGRAMS} <= set(match[1].split())


def test_make_test_says_nothing_when_the_machine_has_everything(capsys):
    assert devservices.main(["check-test"]) == 0
    assert capsys.readouterr().err == ""
