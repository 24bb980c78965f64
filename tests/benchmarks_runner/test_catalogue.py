"""The runnable benchmarks: the shipped file, the operator's file, and bad entries."""

from __future__ import annotations

import pytest

from benchmarks_runner import catalogue
from core.datafile import DataError


def test_the_shipped_references_are_runnable_on_any_class():
    shipped = catalogue._catalogue("")
    assert set(shipped) == {"digits_mlp", "sine_rnn"}
    for spec in shipped.values():
        assert spec.hardware_classes == [] and spec.rules is not None


def test_the_operators_file_adds_benchmarks():
    assert catalogue.runnable_get("llama2-reference").reproduces == "llama2_70b_lora"
    assert catalogue.reference_for("llama2_70b_lora").slug == "llama2-reference"
    assert catalogue.reference_for("bert") is None


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("command: ['{python}', '{secret}']", "unknown placeholder"),
        ("command: ['x']\n    ruleset: ../../evil", "unknown ruleset"),
        ("launcher: container\n    command: ['x']", "needs an image"),
        ("launcher: mlcflow", "needs mlc_tags"),
        ("command: ['x']\n    ruleset: round", "only for references that reproduce"),
        ("command: ['x']\n    surprise: 1", "Extra inputs"),
    ],
)
def test_a_bad_entry_is_refused_with_the_file_entry_and_field(tmp_path, entry, problem):
    path = tmp_path / "extra.yaml"
    ruleset = "" if "ruleset" in entry else "\n    ruleset: reference_1.0.0"
    path.write_text(
        "benchmarks:\n  - slug: bad\n    name: B\n    task: t\n"
        f"    quality: {{target: 1, higher_is_better: true}}\n    {entry}{ruleset}\n"
    )
    with pytest.raises(DataError, match=problem) as raised:
        catalogue._catalogue(str(path))
    assert str(path) in str(raised.value) and "(bad)" in str(raised.value)


def test_a_benchmark_defined_twice_is_refused(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(
        "benchmarks:\n  - slug: digits_mlp\n    name: B\n    task: t\n    command: ['x']\n"
        "    ruleset: reference_1.0.0\n    quality: {target: 1, higher_is_better: true}\n"
    )
    with pytest.raises(DataError, match="defined twice"):
        catalogue._catalogue(str(path))
