"""Section numbers as the document shows them (asciidoctor's rules, quirks included)."""

from __future__ import annotations

from roadmap.rules import split_sections


def numbers(source: str) -> list[tuple[str, str]]:
    return [(s.title, s.number) for s in split_sections(source).sections[1:]]


def test_sectnums_number_three_levels_and_count_deeper_ones_silently():
    source = ":sectnums:\n= T\n\n== A\n\n=== A1\n\n==== A1a\n\n===== A1a5\n\n== B\n"
    assert numbers(source) == [
        ("A", "1."),
        ("A1", "1.1."),
        ("A1a", "1.1.1."),
        ("A1a5", ""),
        ("B", "2."),
    ]


def test_sectnums_switched_off_skips_sections_without_using_up_numbers():
    source = (
        "= T\n:numbered:\n\n== A\n\n:sectnums!:\n\n== B\n\n=== B1\n\n:sectnums:\n\n=== B2\n\n== C\n"
    )
    assert numbers(source) == [("A", "1."), ("B", ""), ("B1", ""), ("B2", ".1."), ("C", "2.")]


def test_appendices_are_lettered_and_their_children_follow_the_letter():
    source = "= T\n:sectnums:\n\n== A\n\n[appendix]\n== Extra\n\n=== Sub\n\n[preface]\n== Note\n"
    doc = split_sections(source)
    assert numbers(source) == [("A", "1."), ("Extra", "Appendix A"), ("Sub", "A.1."), ("Note", "")]
    assert doc.by_path("Extra").heading == "Appendix A: Extra"


def test_without_sectnums_a_number_written_in_the_title_is_the_number():
    assert numbers("= T\n\n== 3.2 Scoring\n\n== 4. Results\n\n== Plain\n") == [
        ("3.2 Scoring", "3.2"),
        ("4. Results", "4."),
        ("Plain", ""),
    ]


def test_book_chapters_count_across_parts():
    source = "= T\n:doctype: book\n:sectnums:\n\n= P1\n\n== A\n\n=== A1\n\n= P2\n\n== B\n"
    assert numbers(source) == [("P1", ""), ("A", "1."), ("A1", "1.1."), ("P2", ""), ("B", "2.")]


def test_discrete_headings_take_no_number():
    source = ":sectnums:\n= T\n\n== A\n\n[discrete]\n== Aside\n\n== B\n"
    assert numbers(source) == [("A", "1."), ("Aside", ""), ("B", "2.")]
