"""The chairs' recount: ``manage.py tally FILE [FILE ...] --json`` against the written rules."""

from __future__ import annotations

import json
import random
import textwrap

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _tally(*paths) -> list[dict]:
    from io import StringIO

    out = StringIO()
    call_command("tally", *[str(p) for p in paths], "--json", stdout=out)
    return json.loads(out.getvalue())


def _refused(*paths) -> str:
    with pytest.raises(CommandError) as caught:
        _tally(*paths)
    assert caught.value.returncode == 2
    return str(caught.value)


ORGS = """
organizations:
  - {slug: acme}
  - {slug: acme-labs, parent: acme}
  - {slug: acme-cloud, parent: acme-labs}
  - {slug: beta}
  - {slug: gamma}
  - {slug: delta}
"""


def test_one_object_per_file_in_order(tmp_path):
    first = _write(
        tmp_path,
        "first.yaml",
        "method: majority\noptions: [yes, no]\n"
        + ORGS
        + "ballots:\n  - {org: beta, person: bo, choice: yes}\n",
    )
    second = _write(
        tmp_path,
        "second.yaml",
        "method: majority\noptions: [yes, no]\n"
        + ORGS
        + "ballots:\n  - {org: beta, person: bo, choice: no}\n",
    )
    results = _tally(second, first)
    assert [r["outcome"] for r in results] == ["no", "yes"]
    assert [r["file"] for r in results] == [str(second), str(first)]
    for result in results:
        assert {
            "status",
            "outcome",
            "tied",
            "voting_organizations",
            "counted",
            "counts",
        } <= set(result)


def test_affiliates_vote_through_their_top_parent_and_a_later_ballot_replaces(tmp_path):
    path = _write(
        tmp_path,
        "vote.yaml",
        "method: majority\noptions: [yes, no]\n"
        + ORGS
        + """
ballots:
  - {org: acme-cloud, person: ada, choice: yes}
  - {org: beta, person: bo, choice: yes}
  - {org: acme, person: al, choice: no}
  - {org: gamma, person: cy, choice: no}
""",
    )
    [result] = _tally(path)
    assert result["voting_organizations"] == ["acme", "beta", "delta", "gamma"]
    assert result["counted"] == 3
    assert result["counts"] == {"yes": 1, "no": 2, "abstain": 0}
    assert (result["status"], result["outcome"]) == ("decided", "no")


def test_a_recused_organisation_leaves_the_electorate_and_quorum_counts_abstentions(tmp_path):
    path = _write(
        tmp_path,
        "vote.yaml",
        "method: majority\noptions: [yes, no]\nquorum: 0.75\n"
        + ORGS
        + """
ballots:
  - {org: beta, person: bo, choice: yes}
  - {org: gamma, person: cy, choice: abstain}
  - {org: delta, person: di, recuse: true}
""",
    )
    [result] = _tally(path)
    # Electorate acme, beta, gamma: ceil(0.75 * 3) = 3 counted ballots needed, 2 cast.
    assert result["voting_organizations"] == ["acme", "beta", "gamma"]
    assert (result["status"], result["outcome"], result["counted"]) == ("no_quorum", None, 2)
    assert result["quorum_needed"] == 3
    path.write_text(path.read_text() + "  - {org: acme-labs, person: al, choice: abstain}\n")
    [result] = _tally(path)
    assert (result["status"], result["outcome"], result["counted"]) == ("decided", "yes", 3)


def test_an_even_majority_is_a_tie_and_a_seed_draws_it(tmp_path):
    body = (
        "method: majority\noptions: [yes, no]\n"
        + ORGS
        + "ballots:\n  - {org: beta, person: bo, choice: yes}\n"
        "  - {org: gamma, person: cy, choice: no}\n"
    )
    tie = _write(tmp_path, "tie.yaml", body)
    drawn = _write(tmp_path, "drawn.yaml", body + "seed: 20261016\n")
    tie_result, drawn_result = _tally(tie, drawn)
    assert (tie_result["status"], tie_result["outcome"], tie_result["tied"]) == (
        "tie",
        None,
        ["no", "yes"],
    )
    assert drawn_result["status"] == "decided_by_draw"
    assert drawn_result["outcome"] == random.Random(20261016).choice(["no", "yes"])
    assert drawn_result["tied"] == ["no", "yes"]


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "winner"),
    [(2, 1, 3, "pass"), (3, 2, 0, "fail"), (4, 2, 0, "pass"), (0, 0, 2, "fail"), (1, 0, 0, "pass")],
)
def test_two_thirds_of_the_non_abstaining_votes_rounded_up(tmp_path, yes, no, abstain, winner):
    orgs = [f"o{i}" for i in range(yes + no + abstain)]
    choices = ["pass"] * yes + ["fail"] * no + ["abstain"] * abstain
    lines = [
        f"  - {{org: {o}, person: p, choice: {c}}}" for o, c in zip(orgs, choices, strict=True)
    ]
    text = (
        "method: two_thirds\noptions: [pass, fail]\norganizations:\n"
        + "".join(f"  - {{slug: {o}}}\n" for o in orgs or ["o0"])
        + "ballots:\n"
        + "\n".join(lines)
        + "\n"
    )
    [result] = _tally(_write(tmp_path, "v.yaml", text))
    assert (result["status"], result["outcome"]) == ("decided", winner)


CYCLE = """
method: condorcet
options: [a, b, c]
organizations: [{slug: o1}, {slug: o2}, {slug: o3}, {slug: o4}, {slug: o5}, {slug: o6}, {slug: o7}]
ballots:
  - {org: o1, person: p, ranking: [a, b, c]}
  - {org: o2, person: p, ranking: [a, b, c]}
  - {org: o3, person: p, ranking: [a, b, c]}
  - {org: o4, person: p, ranking: [b, c, a]}
  - {org: o5, person: p, ranking: [b, c, a]}
  - {org: o6, person: p, ranking: [c, a, b]}
  - {org: o7, person: p, ranking: [c, a, b]}
"""


def test_condorcet_without_a_winner_falls_back_to_minimax_by_margins(tmp_path):
    [result] = _tally(_write(tmp_path, "cycle.yaml", CYCLE))
    # a beats b 5 to 2, b beats c 5 to 2, c beats a 4 to 3: a's worst defeat (by 1) is the smallest.
    assert result["pairwise"]["a"]["b"] == 5 and result["pairwise"]["c"]["a"] == 4
    assert result["worst_defeat"] == {"a": 1, "b": 3, "c": 3}
    assert (result["status"], result["outcome"]) == ("decided", "a")


def test_condorcet_unranked_options_tie_below_the_ranked_ones(tmp_path):
    text = """
method: condorcet
options: [a, b, c]
organizations: [{slug: o1}, {slug: o2}, {slug: o3}]
ballots:
  - {org: o1, person: p, ranking: [c]}
  - {org: o2, person: p, ranking: [c]}
  - {org: o3, person: p, ranking: [a, b]}
"""
    [result] = _tally(_write(tmp_path, "v.yaml", text))
    assert result["pairwise"]["a"]["b"] == 1 and result["pairwise"]["b"]["a"] == 0
    assert result["outcome"] == "c"


def test_condorcet_options_equal_on_minimax_are_tied(tmp_path):
    text = """
method: condorcet
options: [a, b, c]
organizations: [{slug: o1}, {slug: o2}, {slug: o3}]
ballots:
  - {org: o1, person: p, ranking: [a, b, c]}
  - {org: o2, person: p, ranking: [b, c, a]}
  - {org: o3, person: p, ranking: [c, a, b]}
"""
    [result] = _tally(_write(tmp_path, "v.yaml", text))
    assert (result["status"], result["outcome"], result["tied"]) == ("tie", None, ["a", "b", "c"])


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "method: majority\noptions: [yes, no]\norganizations: [{slug: x}]\n"
            "ballots: [{org: x, person: p, choice: maybe}]",
            "ballots[0] (x): choice 'maybe' is not an option (yes, no) or 'abstain'",
        ),
        (
            "method: majority\noptions: [yes, no]\norganizations: [{slug: x}]\n"
            "ballots: [{org: y, person: p, choice: yes}]",
            "ballots[0]: organisation 'y' is outside the electorate",
        ),
        (
            "method: condorcet\noptions: [a, b]\norganizations: [{slug: x}]\n"
            "ballots: [{org: x, person: p, ranking: [a, z]}]",
            "ranking names 'z', which is not an option",
        ),
        (
            "method: majority\noptions: [a, b, c]\norganizations: [{slug: x}]\nballots: []",
            "majority needs exactly two options",
        ),
        ("method: plurality\noptions: [a, b]\norganizations: []", "method: 'plurality' is not"),
        (
            "method: majority\noptions: [yes, no]\norganizations: [{slug: x, parent: y}, "
            "{slug: y, parent: x}]",
            "loop back",
        ),
        (
            "method: majority\noptions: [yes, no]\norganizations: [{slug: x}]\n"
            "ballots: [{org: x, person: p, choice: yes, recuse: true}]",
            "exactly one of choice, ranking or recuse",
        ),
        (
            "method: majority\noptions: [yes, no]\norganizations: [{slug: x}]\nquorum: 1.5",
            "quorum: 1.5 is not a fraction between 0 and 1",
        ),
        ("method: majority\noptions: [yes, no]\n", "organizations: missing"),
        ("method: [", "not valid YAML"),
        (
            "method: majority\noptions: [yes, no]\norganizations: [{slug: x}]\nvotes: []",
            "unknown key(s) votes",
        ),
    ],
)
def test_an_invalid_file_exits_2_naming_the_file_and_the_problem(tmp_path, body, problem):
    good = _write(tmp_path, "good.yaml", "method: majority\noptions: [y, n]\norganizations: []\n")
    bad = _write(tmp_path, "bad.yaml", body)
    message = _refused(good, bad)
    assert str(bad) in message and problem in message
    assert str(good) not in message


def test_a_missing_file_is_refused_with_exit_2(tmp_path):
    assert "cannot be read" in _refused(tmp_path / "nope.yaml")


def test_the_command_runs_as_a_process_with_its_exit_codes(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    good = _write(tmp_path, "cycle.yaml", CYCLE)
    bad = _write(tmp_path, "bad.yaml", "method: majority\noptions: [yes]\norganizations: []\n")
    run = [sys.executable, "manage.py", "tally"]
    ok = subprocess.run(
        [*run, str(good), "--json"], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)[0]["outcome"] == "a"
    refused = subprocess.run(
        [*run, str(good), str(bad), "--json"], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert f"{bad}: options: majority needs exactly two options" in refused.stderr
