""".ci/portability.py (make test-portable): which settings it runs, what it says when one is missing."""
import re
import sys
from pathlib import Path

import pytest
from scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
portability = load_script(ROOT / ".ci" / "portability.py")


def test_the_readme_names_exactly_the_tested_pythons():
    tested = portability.tested_pythons()
    assert tested == sorted(tested, key=lambda v: [int(x) for x in v.split(".")])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = re.search(r"You need Python ([\d., or]+) \(every build tests", readme)
    assert named, "README's quick start must say which Pythons are tested"
    assert re.findall(r"3\.\d+", named.group(1)) == tested
    assert f"{sys.version_info[0]}.{sys.version_info[1]}" in tested, "the default Python must be tested"


def test_settings_cover_both_cpu_paths_and_every_other_tested_python():
    settings = {s.name: s for s in portability.all_settings()}
    default = "{}.{}".format(*sys.version_info[:2])
    others = [v for v in portability.tested_pythons() if v != default]
    assert set(settings) == {"cpu-no-avx512", "cpu-no-avx2"} | {f"python{v}" for v in others}
    assert settings["cpu-no-avx512"].coretype == "Haswell"
    assert settings["cpu-no-avx2"].coretype == "Sandybridge"
    assert set(settings["cpu-no-avx512"].drop) < set(settings["cpu-no-avx2"].drop)


def test_a_missing_python_is_named_with_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    with pytest.raises(portability.Unavailable, match=r"Python 3\.99 is not installed.*pyenv install 3\.99"):
        portability.find_python("3.99")


def _pretend(monkeypatch, status):
    setting = portability.Setting("python3.99", "Python 3.99", python="3.99")
    monkeypatch.setattr(portability, "all_settings", lambda: [setting])
    monkeypatch.setattr(portability, "check", lambda s: portability.Outcome(s, status, "why it is so"))
    monkeypatch.setattr(portability, "LOG_DIR", Path(portability.ROOT / "build" / "portability"))


@pytest.mark.parametrize("in_ci, expected", [(False, 0), (True, 1)])
def test_an_unavailable_setting_fails_only_in_ci(monkeypatch, capsys, in_ci, expected):
    _pretend(monkeypatch, "unavailable")
    monkeypatch.setattr(portability, "IN_CI", in_ci)
    assert portability.main([]) == expected
    out = capsys.readouterr().out
    assert "[python3.99]   why it is so" in out and "UNAVAILABLE" in out
    assert ("CI expects every setting" in out) == in_ci


def test_a_failed_setting_is_named_and_fails(monkeypatch, capsys):
    _pretend(monkeypatch, "failed")
    assert portability.main([]) == 1
    assert "Failed under: python3.99" in capsys.readouterr().out


def test_bad_arguments_are_refused(capsys):
    with pytest.raises(SystemExit):
        portability.main(["--jobs", "0"])
    assert "--jobs must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        portability.main(["--only", "cpu-no-sse"])
    assert "invalid choice" in capsys.readouterr().err


def _fake_probe(monkeypatch, native, limited=None):
    seen = []

    def probe(python, env, log):
        seen.append(env)
        return native if len(seen) == 1 else (limited or native)
    monkeypatch.setattr(portability, "probe", probe)
    return seen


NATIVE = {"python": "3.11.7", "numpy": "2.4.6", "dispatched": ["X86_V3", "X86_V4", "AVX512_ICL"],
          "running": ["X86_V3", "X86_V4", "AVX512_ICL"], "blas": [{"api": "openblas", "core": "SkylakeX"}]}


def test_a_cpu_without_avx512_is_reported_not_run(monkeypatch):
    monkeypatch.setattr(portability.platform, "machine", lambda: "x86_64")
    _fake_probe(monkeypatch, {**NATIVE, "running": ["X86_V3"]})
    setting = {s.name: s for s in portability.all_settings()}["cpu-no-avx512"]
    with pytest.raises(portability.Unavailable, match="does not run X86_V4, AVX512_ICL"):
        portability.configure(setting, "python", None)


def test_an_arm_cpu_is_reported_not_run(monkeypatch):
    monkeypatch.setattr(portability.platform, "machine", lambda: "aarch64")
    _fake_probe(monkeypatch, NATIVE)
    setting = {s.name: s for s in portability.all_settings()}["cpu-no-avx2"]
    with pytest.raises(portability.Unavailable, match="aarch64"):
        portability.configure(setting, "python", None)


def test_a_setting_that_did_not_take_effect_is_an_error(monkeypatch):
    monkeypatch.setattr(portability.platform, "machine", lambda: "x86_64")
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    setting = {s.name: s for s in portability.all_settings()}["cpu-no-avx512"]
    seen = _fake_probe(monkeypatch, NATIVE)  # the limited run still reports AVX-512
    with pytest.raises(RuntimeError, match="NPY_DISABLE_CPU_FEATURES did not take effect"):
        portability.configure(setting, "python", None)
    assert seen[1]["NPY_DISABLE_CPU_FEATURES"] == "X86_V4 AVX512_ICL"
    assert seen[1]["OPENBLAS_CORETYPE"] == "Haswell"
    _fake_probe(monkeypatch, NATIVE, {**NATIVE, "running": ["X86_V3"]})  # OpenBLAS ignored the request
    with pytest.raises(RuntimeError, match="OPENBLAS_CORETYPE=Haswell did not take effect"):
        portability.configure(setting, "python", None)
