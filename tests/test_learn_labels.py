"""Label loaders: each format on a small file written here in that format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from featurize.learn.labels import LabelError, read_labels

JAMENDO_HEADER = "TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jamendo(folder: Path, split: str, rows: list[tuple[int, list[str]]]) -> Path:
    lines = [
        f"track_{n:07d}\tartist_000001\talbum_000001\t{n % 100:02d}/{n}.mp3\t200.0\t" + "\t".join(tags)
        for n, tags in rows
    ]
    return write(folder / f"autotagging_moodtheme-{split}.tsv", JAMENDO_HEADER + "\n".join(lines) + "\n")


def test_generic_csv_with_one_column_per_tag(tmp_path: Path) -> None:
    path = write(tmp_path / "tags.csv", "track,happy,sad\nsong1,1,0\nsong2,0,1\nsong3,1,1\n")
    labels = read_labels(path)
    assert labels.format == "generic" and labels.ids == ("song1", "song2", "song3")
    assert labels.names == ("happy", "sad")
    np.testing.assert_array_equal(labels.indicator, [[1, 0], [0, 1], [1, 1]])
    assert not labels.has_split and not labels.single_label


def test_generic_tsv_with_a_column_of_tag_lists_paths_and_splits(tmp_path: Path) -> None:
    text = "id\tpath\tsplit\ttags\na\trock/a.mp3\ttrain\thappy; calm\nb\tb.mp3\ttest\tsad\nc\tc.mp3\tvalid\t\n"
    labels = read_labels(write(tmp_path / "tags.tsv", text))
    assert labels.names == ("calm", "happy", "sad")
    np.testing.assert_array_equal(labels.indicator, [[1, 1, 0], [0, 0, 1], [0, 0, 0]])
    assert labels.paths == ("rock/a.mp3", "b.mp3", "c.mp3")
    assert labels.splits == ("train", "test", "validation")


def test_generic_bracketed_lists_and_a_class_column(tmp_path: Path) -> None:
    lists = read_labels(write(tmp_path / "l.csv", "track,labels\nx,\"['a', 'b']\"\ny,\"['b']\"\n"))
    np.testing.assert_array_equal(lists.indicator, [[1, 1], [0, 1]])
    classes = read_labels(write(tmp_path / "c.csv", "track,genre\nx,rock\ny,pop\nz,rock\n"))
    assert classes.single_label and classes.names == ("pop", "rock")
    np.testing.assert_array_equal(classes.indicator, [[0, 1], [1, 0], [0, 1]])


def test_mtg_jamendo_split_files_keep_their_split_and_drop_the_category(tmp_path: Path) -> None:
    files = [
        jamendo(
            tmp_path, "train", [(948, ["mood/theme---background"]), (950, ["mood/theme---film", "mood/theme---sad"])]
        ),
        jamendo(tmp_path, "validation", [(1001, ["mood/theme---happy"])]),
        jamendo(tmp_path, "test", [(1002, ["mood/theme---sad"])]),
    ]
    labels = read_labels(files)
    assert labels.format == "mtg-jamendo"
    assert labels.ids == ("track_0000948", "track_0000950", "track_0001001", "track_0001002")
    assert labels.paths[0] == "48/948.mp3"
    assert labels.names == ("background", "film", "happy", "sad")
    assert labels.splits == ("train", "train", "validation", "test")
    np.testing.assert_array_equal(labels.indicator[1], [0, 1, 0, 1])


def test_mtg_jamendo_with_several_categories_keeps_the_prefix(tmp_path: Path) -> None:
    path = jamendo(tmp_path, "train", [(1, ["genre---rock", "mood/theme---happy"])])
    assert read_labels(path).names == ("genre---rock", "mood/theme---happy")


def test_magnatagatune_annotations(tmp_path: Path) -> None:
    header = '"clip_id"\t"no voice"\t"singer"\t"guitar"\t"mp3_path"\n'
    rows = '"2"\t"0"\t"1"\t"1"\t"f/a-song-0-29.mp3"\n"6"\t"1"\t"0"\t"0"\t"f/a-song-30-59.mp3"\n'
    labels = read_labels(write(tmp_path / "annotations_final.csv", header + rows))
    assert labels.format == "magnatagatune" and labels.ids == ("2", "6")
    assert labels.names == ("no voice", "singer", "guitar")
    assert labels.paths == ("f/a-song-0-29.mp3", "f/a-song-30-59.mp3")
    np.testing.assert_array_equal(labels.indicator, [[0, 1, 1], [1, 0, 0]])
    top = labels.top(2)
    assert top.names == ("no voice", "guitar") and top.notes  # ties by name, column order kept


def test_fma_tracks_csv_top_genre_and_split(tmp_path: Path) -> None:
    text = (
        ",album,set,set,track,track\n"
        ",title,split,subset,genre_top,title\n"
        "track_id,,,,,\n"
        "2,AWOL,training,small,Hip-Hop,Food\n"
        "3,AWOL,test,medium,,Electric Ave\n"
        "5,AWOL,validation,small,Pop,This World\n"
        "10,Constant,test,small,Hip-Hop,Freeway\n"
    )
    labels = read_labels(write(tmp_path / "tracks.csv", text))
    assert labels.format == "fma" and labels.single_label
    assert labels.ids == ("2", "5", "10") and labels.names == ("Hip-Hop", "Pop")
    assert labels.splits == ("train", "validation", "test")
    assert any("skipped 1 track(s) without a top genre" in note for note in labels.notes)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.csv", "track,happy\nsong1,2\n", r"bad.csv, line 2, column 'happy': '2' is not 0 or 1"),
        ("short.csv", "track,happy,sad\nsong1,1\n", r"short.csv, line 2: 2 fields where the header has 3"),
        ("empty.csv", "", "empty.csv: the label file is empty"),
        ("split.csv", "track,split,happy\na,dev,1\n", r"split.csv, line 2: unknown split 'dev'"),
        ("none.csv", "track\na\n", "none.csv: no tag columns"),
    ],
)
def test_malformed_files_name_the_file_line_and_column(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(LabelError, match=message):
        read_labels(write(tmp_path / name, text))


def test_a_track_in_two_files_and_missing_files_are_errors(tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", "track,x\ns,1\n")
    second = write(tmp_path / "b.csv", "track,x\ns,0\n")
    with pytest.raises(LabelError, match=r"track 's' is labelled in both .*a.csv and .*b.csv"):
        read_labels([first, second])
    with pytest.raises(LabelError, match="no such label file"):
        read_labels(tmp_path / "missing.csv")
    with pytest.raises(LabelError, match="unknown label format"):
        read_labels(first, format="midi")  # type: ignore[arg-type]


def test_explicit_format_overrides_detection(tmp_path: Path) -> None:
    path = write(tmp_path / "tags.tsv", "clip_id\ta\tmp3_path\n1\t1\tx.mp3\n")
    assert read_labels(path).format == "magnatagatune"
    generic = read_labels(path, format="generic")
    assert generic.format == "generic" and generic.names == ("a",) and generic.paths == ("x.mp3",)
