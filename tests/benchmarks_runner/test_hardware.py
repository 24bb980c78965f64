"""Hardware probes (parsers of the tools' output, and the real probe here), fingerprints,
and mlperf-sysinfo's system description checked by the official checker."""

from __future__ import annotations

import json
import stat

from benchmarks_runner import hardware, sysinfo

LSCPU = {"lscpu": [
    {"field": "Architecture:", "data": "x86_64"}, {"field": "CPU(s):", "data": "128"},
    {"field": "Model name:", "data": "AMD EPYC 9575F"}, {"field": "Socket(s):", "data": "2"},
    {"field": "Core(s) per socket:", "data": "32"},
]}  # fmt: skip


def test_lscpu_output_is_read():
    assert hardware._cpu_from_lscpu(json.dumps(LSCPU)) == {
        "cpu_model": "AMD EPYC 9575F", "cpu_sockets": 2, "cpu_cores": 64, "cpu_threads": 128,
    }  # fmt: skip


def test_cpuinfo_is_read_when_lscpu_is_missing():
    text = "".join(
        f"processor\t: {i}\nmodel name\t: Test CPU\nphysical id\t: {i // 4}\ncore id\t: {i % 2}\n\n"
        for i in range(8)
    )
    assert hardware._cpu_from_cpuinfo(text) == {
        "cpu_model": "Test CPU", "cpu_sockets": 2, "cpu_cores": 4, "cpu_threads": 8,
    }  # fmt: skip


def test_accelerators_from_nvidia_smi_and_rocm_smi():
    nvidia = "NVIDIA H100 80GB HBM3, 81559\nNVIDIA H100 80GB HBM3, 81559\n"
    assert hardware._nvidia(nvidia) == {"NVIDIA H100 80GB HBM3 (80 GiB)": 2}
    rocm = json.dumps({"card0": {"Card Series": "AMD Instinct MI355X"},
                       "card1": {"Card Series": "AMD Instinct MI355X"}, "system": {}})  # fmt: skip
    assert hardware._rocm(rocm) == {"AMD Instinct MI355X": 2}


def test_the_fingerprint_depends_on_the_documented_keys_only():
    facts = {"architecture": "x86_64", "cpu_model": "A", "cpu_sockets": 1, "cpu_cores": 2,
             "cpu_threads": 4, "memory_gib": 16, "accelerators": {}}  # fmt: skip
    same = hardware.fingerprint({**facts, "kernel": "6.9", "software": {"torch": "2.9"}})
    assert same == hardware.fingerprint(facts)
    for key in hardware.FINGERPRINT_KEYS:
        assert hardware.fingerprint({**facts, key: "changed"}) != hardware.fingerprint(facts)


def test_the_probe_of_this_machine_finds_its_cpu_and_memory_without_importing_frameworks():
    import sys

    probe = hardware.probe()
    assert probe.facts["cpu_threads"] and probe.facts["memory_gib"]
    assert probe.facts["software"]["python"]
    assert len(probe.fingerprint) == 64 and probe.summary
    assert "torch" not in sys.modules and "jax" not in sys.modules


def _fake_sysinfo(folder, content):
    tool = folder / "mlperf-sysinfo"
    tool.write_text(
        "#!/bin/sh\nmkdir -p results/sysinfo\n"
        f"cat > results/sysinfo/test_system.json <<'JSON'\n{json.dumps(content)}\nJSON\n"
    )
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def test_a_system_description_from_mlperf_sysinfo_is_checked_officially(tmp_path, monkeypatch):
    from tests.submissions.checker.mllog_factory import system_description

    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    config = tmp_path / "sysinfo.yaml"
    config.write_text("profile: training\n")
    _fake_sysinfo(tmp_path, system_description("Acme", "box"))
    good = sysinfo.capture(config, ruleset="6.1.0")
    assert good.content["submitter"] == "Acme" and good.findings == [] and not good.error

    broken = {**system_description("Acme", "box"), "status": "available"}
    _fake_sysinfo(tmp_path, broken)
    bad = sysinfo.capture(config, ruleset="6.1.0")
    messages = " ".join(f["message"] for f in bad.findings)
    assert '"status" must be one of' in messages


def test_without_mlperf_sysinfo_or_its_config_nothing_is_captured(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert sysinfo.capture(tmp_path / "x.yaml", ruleset="6.1.0") is None
    assert sysinfo.capture(None, ruleset="6.1.0") is None
