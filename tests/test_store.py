"""The HDF5 store: layout, upserts, artifacts of every kind, refusal of foreign files, recovery."""

from __future__ import annotations

from pathlib import Path

import attrs
import h5py
import numpy as np
import pytest

from featurize.artifacts import Frames, Record, Segments, Signal, Text
from featurize.errors import StoreError
from featurize.store import ExtractorMeta, ExtractorRecord, FeatureStore, Status, StoreWriter, TrackRecord
from featurize.store.writer import journal_dir

META = ExtractorMeta(
    name="toy",
    version="2",
    params={"gain": 1},
    params_hash="abc",
    plugin="toy",
    distribution="toy==1",
    description="A toy.",
    features=(("a", "A value.", "Hz", "signal processing"), ("b", "B value.", "", "nlp")),
    artifacts=(("seg", "segments"), ("txt", "text"), ("sig", "signal"), ("frm", "frames"), ("rec", "record")),
)


def record(track: str, values: tuple[float, float], *, status: Status = Status.OK) -> TrackRecord:
    artifacts = {
        "seg": Segments.from_rows([(0.0, 1.0, "C:maj"), (1.0, 2.5, "N")]),
        "txt": Text("la la", language="en", timings=Segments.from_rows([(0.1, 0.4, "la")]), source="file:x.lrc"),
        "sig": Signal(np.arange(8, dtype=np.float32).reshape(2, 4), sr=100),
        "frm": Frames(np.ones((3, 2)), hop_seconds=0.5, columns=("x", "y")),
        "rec": Record({"key": "C", "strength": 0.5}),
    }
    outcome = ExtractorRecord(
        "toy",
        META.key,
        status,
        np.array(values, np.float32) if status is Status.OK else None,
        artifacts if status is Status.OK else {},
        "ValueError" if status is Status.FAILED else "",
        "boom" if status is Status.FAILED else "",
    )
    return TrackRecord(track, f"{track}.wav", "hash", 2.5, (outcome,))


def write(path: Path, records: list[TrackRecord], **kwargs: object) -> None:
    with StoreWriter(path, **kwargs) as writer:
        writer.declare([META])
        writer.start_run({"run_id": "r", "argv": ["test"]})
        for item in records:
            writer.add(item)


def test_round_trip_features_artifacts_and_provenance(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [record("t0", (1, 2)), record("t1", (3, 4)), record("t2", (0, 0), status=Status.FAILED)])
    with FeatureStore(path) as store:
        assert store.track_ids == ["t0", "t1", "t2"]
        assert store.feature_names == ["toy.a", "toy.b"]
        matrix, names = store.matrix(["toy.b", "toy.*"])
        assert names == ["toy.b", "toy.a"]
        np.testing.assert_array_equal(matrix[:2], [[2, 1], [4, 3]])
        assert np.isnan(matrix[2]).all()
        assert store.matrix()[0].dtype == np.float32
        assert store.features()[0].unit == "Hz"
        assert [(f.track, f.error_type, f.message) for f in store.failures()] == [("t2", "ValueError", "boom")]
        assert store.artifact("t1", "seg") == Segments.from_rows([(0.0, 1.0, "C:maj"), (1.0, 2.5, "N")])
        assert store.artifact("t1", "txt").timings.labels == ("la",)
        assert store.artifact("t1", "sig").samples.shape == (2, 4)
        assert store.artifact("t1", "frm").columns == ("x", "y")
        assert store.artifact("t1", "rec").data == {"key": "C", "strength": 0.5}
        assert store.artifact("t2", "seg") is None
        assert store.runs() == [{"argv": ["test"], "run_id": "r"}]
        assert store.extractors["toy"].params == {"gain": 1}
        assert store.completed()["toy"]["t2"] == (Status.FAILED, "2:abc")
    assert not journal_dir(path).exists()


def test_upsert_replaces_rows_and_keeps_order(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [record("t0", (1, 2)), record("t1", (0, 0), status=Status.FAILED)])
    write(path, [record("t1", (5, 6)), record("t9", (7, 8))])
    with FeatureStore(path) as store:
        assert store.track_ids == ["t0", "t1", "t9"]
        np.testing.assert_array_equal(store.matrix()[0], [[1, 2], [5, 6], [7, 8]])
        assert store.failures() == []


def test_unknown_feature_pattern_is_named(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [record("t0", (1, 2))])
    with FeatureStore(path) as store, pytest.raises(StoreError, match=r"'nope\.\*'"):
        store.matrix(["nope.*"])


def test_foreign_and_newer_files_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "other.h5"
    with h5py.File(foreign, "w") as file:
        file["x"] = [1, 2]
    with pytest.raises(StoreError, match="not a featurize store"):
        FeatureStore(foreign)
    with pytest.raises(StoreError, match="not a featurize store"):
        StoreWriter(foreign)
    text = tmp_path / "notes.h5"
    text.write_text("hello")
    with pytest.raises(StoreError, match="not an HDF5 file"):
        FeatureStore(text)
    newer = tmp_path / "newer.h5"
    write(newer, [record("t0", (1, 2))])
    with h5py.File(newer, "r+") as file:
        file.attrs["format_version"] = 99
    with pytest.raises(StoreError, match="newer featurize"):
        FeatureStore(newer)


def test_changed_feature_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [record("t0", (1, 2))])
    other = attrs.evolve(META, features=(("a", "A.", "", "nlp"),))
    with StoreWriter(path) as writer, pytest.raises(StoreError, match="different features"):
        writer.declare([other])


def test_second_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    with StoreWriter(path), pytest.raises(StoreError, match="another featurize process"):
        StoreWriter(path)


def test_journal_left_by_a_crash_is_read_by_readers_and_merged_by_the_next_writer(tmp_path: Path) -> None:
    """Shards written before a crash (no close, no checkpoint) are seen by readers, merged by writers."""
    path = tmp_path / "s.h5"
    writer = StoreWriter(path, batch_size=1)
    writer.declare([META])
    writer.add(record("t0", (1, 2)))
    writer.add(record("t1", (3, 4)))
    (journal_dir(path) / "000-torn.h5.partial").write_bytes(b"half a shard")  # a shard cut mid-write
    writer._lock.release()  # the process "dies" here: no flush, no checkpoint
    shards = sorted(p.name for p in journal_dir(path).iterdir())
    with FeatureStore(path) as store:
        assert store.track_ids == ["t0", "t1"]
        assert store.matrix()[0].tolist() == [[1, 2], [3, 4]]
    assert sorted(p.name for p in journal_dir(path).iterdir()) == shards  # a reader changes nothing
    StoreWriter(path).close()
    assert [p.name for p in journal_dir(path).iterdir()] == ["000-torn.h5.partial"]
    with h5py.File(path, "r") as file:
        assert file["tracks/id"].asstr()[:].tolist() == ["t0", "t1"]
