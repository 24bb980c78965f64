from __future__ import annotations

import pytest

from roadmap.rules import RulesError, content_hash, decode_source


def test_utf8_text_with_or_without_a_byte_order_mark_is_accepted():
    assert decode_source("= Règles\n".encode()) == "= Règles\n"
    assert decode_source(b"\xef\xbb\xbf= Rules\n") == "= Rules\n"


def test_a_file_that_is_not_utf8_is_refused_with_the_line():
    with pytest.raises(RulesError, match=r"rules.adoc is not UTF-8 text: byte 0xe9 on line 2"):
        decode_source(
            "= Rules\nR\xe8gles\n".encode("latin-1").replace(b"\xe8", b"\xe9"), name="rules.adoc"
        )


def test_a_binary_file_is_refused():
    with pytest.raises(RulesError, match=r"not a text file: .*U\+0003 on line 1"):
        decode_source(b"PK\x03\x04\x00\x00")


def test_an_empty_or_oversized_file_is_refused():
    with pytest.raises(RulesError, match="is empty"):
        decode_source(b" \n\n")
    with pytest.raises(RulesError, match="the file is 18 bytes; a rule document may have 10"):
        decode_source(b"= Rules\nmore text\n", max_bytes=10)


def test_the_content_hash_changes_with_any_byte():
    assert content_hash("= A\n") == content_hash("= A\n")
    assert content_hash("= A\n") != content_hash("= A \n")
    assert len(content_hash("")) == 64
