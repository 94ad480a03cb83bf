"""``bench`` and ``soak`` each rewrite only their own block of docs/benchmarks.md, whatever else it holds."""

from __future__ import annotations

from pathlib import Path

from bench.splice import splice

A = ("<!-- a:start -->", "<!-- a:end -->")
B = ("<!-- b:start -->", "<!-- b:end -->")


def test_a_block_is_replaced_in_place_and_the_rest_kept_byte_for_byte(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"intro\n{A[0]}\nold a\n{A[1]}\n\n\nmiddle\n{B[0]}\nold b\n{B[1]}\nby hand\n")
    splice(doc, *A, "new a\n")
    assert doc.read_text() == f"intro\n{A[0]}\nnew a\n{A[1]}\nmiddle\n{B[0]}\nold b\n{B[1]}\nby hand\n"
    splice(doc, *B, "new b")
    assert doc.read_text() == f"intro\n{A[0]}\nnew a\n{A[1]}\nmiddle\n{B[0]}\nnew b\n{B[1]}\nby hand\n"


def test_a_document_without_the_markers_gets_the_block_where_asked(tmp_path: Path) -> None:
    top, bottom = tmp_path / "top.md", tmp_path / "bottom.md"
    for doc in (top, bottom):
        doc.write_text("# Kept\n\n")
    splice(top, *A, "a", new_at="top")
    splice(bottom, *A, "a")
    assert top.read_text() == f"{A[0]}\na\n{A[1]}\n\n# Kept\n\n"
    assert bottom.read_text() == f"# Kept\n\n{A[0]}\na\n{A[1]}\n"


def test_a_second_write_finds_the_block_the_first_one_made(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "new.md"  # neither the file nor its folder exist yet
    splice(doc, *A, "first")
    splice(doc, *A, "second")
    assert doc.read_text() == f"{A[0]}\nsecond\n{A[1]}\n"
