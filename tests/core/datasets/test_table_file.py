"""Reading a table: the dialect sniffed, each column's kind inferred, bad files refused with
the row or column named."""

from __future__ import annotations

import codecs

import pytest

from nnstudio.core.datasets import DatasetCancelled, DatasetError, source_from_text
from nnstudio.core.datasets.table_file import (
    CATEGORY,
    EMPTY,
    IDENTIFIER,
    NUMBER,
    TEXT,
    read_table,
    sniff,
)


def write(tmp_path, text: str, name: str = "t.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def measurements(n: int = 30, sep: str = ",") -> str:
    rows = [sep.join(["id", "height", "colour", "note", "nothing", "kind"])]
    for i in range(n):
        rows.append(
            sep.join(
                [
                    str(i + 1),
                    f"{150 + i * 0.5:.1f}",
                    ["red", "green"][i % 2],
                    f'"the note of row {i}, with a comma"' if sep == "," else f"note of row {i} x",
                    "",
                    ["a", "b", "c"][i % 3],
                ]
            )
        )
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(("sep", "name"), [(",", "t.csv"), (";", "t.csv"), ("\t", "t.tsv")])
def test_delimiters_are_sniffed(tmp_path, sep, name):
    table = read_table(write(tmp_path, measurements(sep=sep), name))
    assert table.dialect.delimiter == sep
    assert table.dialect.has_header
    assert table.names == ("id", "height", "colour", "note", "nothing", "kind")
    assert table.rows == 30


def test_each_column_gets_its_kind(tmp_path):
    table = read_table(write(tmp_path, measurements()))
    kinds = {c.name: c.kind for c in table.columns}
    assert kinds == {
        "id": IDENTIFIER,
        "height": NUMBER,
        "colour": CATEGORY,
        "note": TEXT,
        "nothing": EMPTY,
        "kind": CATEGORY,
    }
    assert table.column("nothing").missing == 30
    assert table.column("colour").distinct == 2
    assert table.default_target == "kind"


def test_quoted_delimiters_stay_in_their_cell(tmp_path):
    table = read_table(write(tmp_path, measurements()))
    assert table.frame["note"].iloc[0] == "the note of row 0, with a comma"


def test_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + measurements().encode())
    table = read_table(path)
    assert table.dialect.bom
    assert table.names[0] == "id"


def test_a_file_without_header_gets_column_names(tmp_path):
    text = "".join(f"{i},{i * 2.5},{'x' if i % 2 else 'y'}\n" for i in range(10))
    table = read_table(write(tmp_path, text))
    assert not table.dialect.has_header
    assert table.names == ("column 1", "column 2", "column 3")
    assert table.rows == 10
    assert read_table(write(tmp_path, text), header=True).rows == 9


def test_missing_cells_are_counted(tmp_path):
    text = "a,b,c\n1,x,NA\n2,,?\n ,y,3\n4,x,5\n"
    table = read_table(write(tmp_path, text))
    assert [c.missing for c in table.columns] == [1, 1, 2]
    assert table.column("c").kind == NUMBER


def test_a_few_typos_in_a_number_column_are_counted_as_missing(tmp_path):
    rows = [f"{i}.5,{i % 2}" for i in range(40)]
    rows[7] = '"12,5",0'  # a decimal comma
    text = "weight,label\n" + "\n".join(rows) + "\n"
    column = read_table(write(tmp_path, text)).column("weight")
    assert column.kind == NUMBER
    assert column.not_numbers == 1
    assert column.first_not_number == (7, "12,5")


def test_retyping_a_column(tmp_path):
    table = read_table(write(tmp_path, measurements()))
    retyped = table.retyped({"height": CATEGORY, "id": NUMBER})
    assert retyped.column("height").kind == CATEGORY
    assert retyped.column("height").inferred == NUMBER
    with pytest.raises(DatasetError, match="'colour' cannot be a number"):
        table.retyped({"colour": NUMBER})
    with pytest.raises(DatasetError, match="no column 'nope'"):
        table.retyped({"nope": NUMBER})
    with pytest.raises(DatasetError, match="not a kind of column"):
        table.retyped({"height": "colourful"})


def test_ragged_rows_name_the_row(tmp_path):
    text = "a,b,c\n1,2,3\n4,5,6,7\n"
    with pytest.raises(DatasetError, match=r"row 3 has 4 cells where the first row has 3"):
        read_table(write(tmp_path, text))


def test_non_utf8_bytes_name_the_row(tmp_path):
    text = "name,value\nfoo,1\nbar,2\ncaf\u00e9,3\n"
    with pytest.raises(DatasetError, match=r"row 4 holds a byte \(0xe9\) that is not UTF-8"):
        read_table(write(tmp_path, text, encoding="latin-1"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"a,b\n", "no rows"),
        (b"\x00\x01\x02binary", "not a text file"),
    ],
)
def test_files_that_are_not_tables(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=message):
        read_table(path)


def test_a_missing_file_and_a_folder(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        sniff(tmp_path / "nothing.csv")
    with pytest.raises(DatasetError, match="is a folder"):
        sniff(tmp_path)


def test_reading_reports_progress_and_can_be_cancelled(tmp_path):
    path = write(tmp_path, measurements(n=200_000))
    fractions = []
    read_table(path, lambda f, text: fractions.append(f))
    assert len(fractions) >= 3
    assert fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(1.0)
    with pytest.raises(DatasetCancelled):
        read_table(path, cancelled=lambda: True)


def test_a_number_column_with_strings_far_down_reads_as_one_column(tmp_path):
    rows = [f"{i},{i % 3}" for i in range(150_000)]
    rows[-1] = "oops,1"
    path = write(tmp_path, "value,label\n" + "\n".join(rows) + "\n")
    table = read_table(path)
    column = table.column("value")
    assert column.kind == NUMBER
    assert column.not_numbers == 1
    assert column.first_not_number == (149_999, "oops")


def test_csv_paths_of_tables_are_tables(tmp_path):
    assert source_from_text(str(write(tmp_path, measurements()))).name == "table"
    images = write(tmp_path, "filename,label\na.png,1\n", "images.csv")
    assert source_from_text(str(images)).name == "image-csv"
    faces = write(tmp_path, "emotion,pixels,Usage\n0,1 2 3,Training\n", "fer.csv")
    assert source_from_text(str(faces)).name == "fer-csv"


def test_spaces_around_strings_do_not_make_other_values(tmp_path):
    text = "a,b\n1,x \n2,x\n3,   \n4,y\n5,y  \n"
    column = read_table(write(tmp_path, text)).column("b")
    assert column.kind == CATEGORY
    assert column.distinct == 2
    assert column.missing == 1  # a cell of only spaces is blank


def test_categories_of_many_chunks_are_one_column_held_as_codes(tmp_path):
    rows = 150_000
    colours = ["red", "green"] * (rows // 4) + ["blue", "amber"] * (rows // 4)  # by chunk
    text = "colour,n\n" + "".join(f"{c},{i}\n" for i, c in enumerate(colours))
    table = read_table(write(tmp_path, text))
    column = table.column("colour")
    assert (column.kind, column.distinct, column.missing) == (CATEGORY, 4, 0)
    assert table.frame["colour"].value_counts().to_dict() == dict.fromkeys(
        ("red", "green", "blue", "amber"), rows // 4
    )
    # each distinct word held once: about a byte or two a cell, not a string object a cell
    assert table.frame["colour"].memory_usage(deep=True, index=False) < rows * 4
