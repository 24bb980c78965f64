from __future__ import annotations

from roadmap.rules import slugify, split_sections


def anchors(source: str) -> list[str]:
    return [s.anchor for s in split_sections(source).sections]


def test_a_slug_keeps_words_of_any_script_and_drops_punctuation():
    assert slugify("Reference Convergence Points (RCPs)") == "reference-convergence-points-rcps"
    assert slugify("Llama 3.1 405b") == "llama-3-1-405b"
    assert slugify("Règles générales") == "règles-générales"
    assert slugify("<system_desc_id>.json") == "system-desc-id-json"
    assert slugify("!!!") == "section"
    assert len(slugify("word " * 40)) <= 60


def test_anchors_follow_the_path_with_the_paths_counter():
    assert anchors("== Training Loop\n=== Hyperparameters\n== A\n=== Notes\n=== Notes\n") == [
        "preamble",
        "training-loop",
        "training-loop--hyperparameters",
        "a",
        "a--notes",
        "a--notes-2",
    ]


def test_two_paths_that_slug_alike_still_get_different_anchors():
    assert anchors("== Foo-Bar\n== Foo Bar\n== Preamble\n") == [
        "preamble",
        "foo-bar",
        "foo-bar-2",
        "preamble-2",
    ]


def test_anchors_do_not_depend_on_numbers_or_explicit_ids():
    plain = anchors("== A\n== B\n")
    numbered = anchors(":sectnums:\n\n== A\n[[bee]]\n== B\n")
    assert plain == numbered == ["preamble", "a", "b"]
