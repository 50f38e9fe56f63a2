"""Reading the published layout and splitting it: artist-disjoint test, seeded validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from featurize_midlevel.dataset import Clip, DatasetError, read_dataset, split_dataset


def write_layout(root: Path, metadata: str, annotations: str) -> Path:
    (root / "metadata_annotations").mkdir(parents=True)
    (root / "metadata_annotations" / "metadata.csv").write_text(metadata)
    (root / "metadata_annotations" / "annotations.csv").write_text(annotations)
    return root


def test_reads_ratings_in_feature_order_joined_on_song_id(tmp_path: Path) -> None:
    root = write_layout(
        tmp_path,
        "song id;Artist;Source\n7;Nina;a\n3;;b\n",
        "song_id, minorness, Melody, articulation, Rhythm Stability, rhythm_complexity, dissonance, tonal stability\n"
        "3, 7, 1, 2, 3, 4, 5, 6\n"
        "7, 0.7, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6\n",
    )
    clips = read_dataset(root)
    assert clips == [
        Clip("3", "unknown:3", root / "audio" / "3.mp3", (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)),
        Clip("7", "Nina", root / "audio" / "7.mp3", (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)),
    ]


HEADER = "song_id,melodiousness,articulation,rhythm_stability,rhythm_complexity,dissonance,tonal_stability,minorness\n"


@pytest.mark.parametrize(
    ("metadata", "annotations", "message"),
    [
        ("song id;Artist\n1;A\n", None, r"annotations\.csv: not found"),
        ("song id,Artist\n1,A\n", HEADER + "1,1,2,3,4,5,6,7\n", r"metadata\.csv: no song id column .* delimiter ';'"),
        (
            "song id;Artist\n1;A\n",
            "song_id,melodiousness\n1,2\n",
            r"annotations\.csv: no rating column for articulation",
        ),
        ("song id;Artist\n1;A\n", HEADER + "1,1,2,x,4,5,6,7\n", r"annotations\.csv, line 2: a rating is missing"),
        ("song id;Artist\n1;A\n", HEADER + "2,1,2,3,4,5,6,7\n", r"line 2: song id '2' is not in metadata\.csv"),
        ("song id;Artist\n1;A\n", HEADER + "1,1,2,3,4,5,6,7\n1,1,2,3,4,5,6,7\n", r"duplicate song ids \['1'\]"),
        ("song id;Artist\n1;A\n", HEADER, r"no annotated clips"),
    ],
)
def test_layout_errors_name_the_file(tmp_path: Path, metadata: str, annotations: str | None, message: str) -> None:
    root = write_layout(tmp_path, metadata, annotations or "")
    if annotations is None:
        (root / "metadata_annotations" / "annotations.csv").unlink()
    with pytest.raises(DatasetError, match=message):
        read_dataset(root)


def clips_of(artists: list[str]) -> list[Clip]:
    return [Clip(str(i), artist, Path(f"{i}.mp3"), (0.0,) * 7) for i, artist in enumerate(artists)]


def test_test_split_prefers_single_clip_artists() -> None:
    clips = clips_of([f"band {i // 3}" for i in range(30)] + [f"solo {i}" for i in range(10)])
    split = split_dataset(clips, test_fraction=0.1, validation_fraction=0.2, seed=42)
    assert len(split.test) == 4 and all(clips[i].artist.startswith("solo") for i in split.test)
    assert len(split.validation) == 8 and len(split.train) == 28
    assert split == split_dataset(clips, 0.1, 0.2, seed=42)
    assert split != split_dataset(clips, 0.1, 0.2, seed=7)


@settings(max_examples=60, deadline=None, database=None)
@given(
    artists=st.lists(st.integers(0, 12), min_size=12, max_size=60),
    test_fraction=st.floats(0.05, 0.4),
    seed=st.integers(0, 2**16),
)
def test_splits_partition_the_clips_and_keep_test_artists_apart(
    artists: list[int], test_fraction: float, seed: int
) -> None:
    clips = clips_of([f"artist {a}" for a in artists])
    try:
        split = split_dataset(clips, test_fraction, 0.2, seed)
    except DatasetError:
        return  # too few clips left for training after whole artists went to test
    assert sorted(split.train + split.validation + split.test) == list(range(len(clips)))
    test_artists = {clips[i].artist for i in split.test}
    assert not test_artists & {clips[i].artist for i in split.train + split.validation}
    assert len(split.test) >= max(2, test_fraction * len(clips)) and len(split.validation) >= 2


def test_too_few_clips_are_refused() -> None:
    with pytest.raises(DatasetError, match="too few"):
        split_dataset(clips_of(["a", "b", "c", "d", "e"]), 0.1, 0.2, seed=0)
