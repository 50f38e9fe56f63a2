"""``featurize import``: tables into stores, bad inputs, re-imports, and the real GTZAN features end to end."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
from click.testing import CliRunner, Result

from featurize.cli import cli
from featurize.errors import StoreError
from featurize.importing import feature_name
from featurize.store import FeatureStore, layout
from featurize.store.records import ExtractorMeta

GTZAN = Path(__file__).parent / "data" / "gtzan"
TABLE = GTZAN / "gtzan_perceptual_features.csv"
GENRES = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]
EXCLUDE = [arg for genre in GENRES for arg in ("--exclude", genre)]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_feature_name_rule() -> None:
    assert feature_name("Rhythm Complexity") == "rhythm_complexity"
    assert feature_name("sub-dom-tonic") == "sub_dom_tonic"
    assert feature_name("BPM") == "bpm"
    assert feature_name("3rd band (dB)") == "f_3rd_band_db"


def test_csv_tsv_parquet_jsonl_give_the_same_store(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"track": ["a", "b", "c"], "Loud ness": [1.0, np.nan, 3.0], "genre": [1, 0, 1]})
    paths = {
        "csv": tmp_path / "t.csv",
        "tsv": tmp_path / "t.tsv",
        "parquet": tmp_path / "t.parquet",
        "jsonl": tmp_path / "t.jsonl",
    }
    frame.to_csv(paths["csv"], index=False)
    frame.to_csv(paths["tsv"], index=False, sep="\t")
    frame.to_parquet(paths["parquet"])
    frame.to_json(paths["jsonl"], orient="records", lines=True)
    for kind, path in paths.items():
        store = tmp_path / f"{kind}.h5"
        result = run("import", path, "-o", store, "--name", "tab", "--exclude", "genre")
        assert result.exit_code == 0, result.output
        with FeatureStore(store) as opened:
            assert opened.feature_names == ["tab.loud_ness"]
            values = opened.matrix()[0]
            assert opened.track_ids == ["a", "b", "c"]
            np.testing.assert_array_equal(np.isnan(values[:, 0]), [False, True, False])
            assert values[2, 0] == 3.0
            meta = opened.extractors["tab"]
            assert meta.params["labels"] == {"loud_ness": "Loud ness"}
            assert meta.features[0][3] == "imported"
            assert "column 'Loud ness'" in meta.features[0][1]


def test_gtzan_schema_info_reimport_and_own_grouping(tmp_path: Path) -> None:
    store = tmp_path / "g.h5"
    result = run("import", TABLE, "-o", store, "--schema", GTZAN / "schema.toml", *EXCLUDE)
    assert result.exit_code == 0, result.output
    assert "pf_midlevel: imported, 7 features x 999 tracks" in result.output
    assert store.stat().st_size < 2 << 20  # 999 x 61 floats must not become megabytes of empty chunks
    info = run("info", store)
    assert "pf_harmony" in info.output and "imported from gtzan_perceptual_features.csv" in info.output
    with FeatureStore(store) as opened:
        assert len(opened) == 999 and len(opened.feature_names) == 61
        runs = opened.runs()
        assert runs[0]["kind"] == "import" and runs[0]["table"]["size"] == TABLE.stat().st_size
        assert len(runs[0]["table"]["sha256"]) == 64 and "pf_signal" in runs[0]["schema"]
    again = run("import", TABLE, "-o", store, "--schema", GTZAN / "schema.toml", *EXCLUDE)
    assert again.output.count("unchanged") == 3
    exported = run("export", store, "-o", tmp_path / "g.csv")
    assert exported.exit_code == 0 and "pf_midlevel.rhythm_complexity" in (tmp_path / "g.csv").read_text()
    own = run("groupings", "show", GTZAN / "perceptual.toml", "--store", store)
    assert own.exit_code == 0 and "Harmony (32 features)" in own.output


def test_changed_table_replaces_and_columns_join_by_id(tmp_path: Path) -> None:
    store = tmp_path / "s.h5"
    first = tmp_path / "a.csv"
    first.write_text("id,x\nt1,1\nt2,2\n")
    assert run("import", first, "-o", store, "--name", "one").exit_code == 0
    first.write_text("id,x\nt1,5\nt2,6\n")
    replaced = run("import", first, "-o", store, "--name", "one")
    assert "replaced (table changed)" in replaced.output
    other = tmp_path / "b.csv"
    other.write_text("id,y\nt2,7\nt3,8\n")
    assert run("import", other, "-o", store, "--name", "two").exit_code == 0
    with FeatureStore(store) as opened:
        assert opened.track_ids == ["t1", "t2", "t3"]
        np.testing.assert_array_equal(opened.matrix()[0][:, 0][:2], [5, 6])
        assert np.isnan(opened.matrix()[0][0, 1]) and opened.matrix()[0][2, 1] == 8


def test_import_adds_columns_to_an_extracted_store(tmp_path: Path) -> None:
    from featurize.learn.testing import write_feature_store

    store = write_feature_store(tmp_path / "s.h5", np.array([[1.0], [2.0]]), ["alpha.f0"], track_ids=["t1", "t2"])
    table = tmp_path / "extra.csv"
    table.write_text("id,Extra\nt2,20\nt3,30\n")
    assert run("import", table, "-o", store).exit_code == 0
    with FeatureStore(store) as opened:
        assert opened.track_ids == ["t1", "t2", "t3"]
        assert opened.feature_names == ["alpha.f0", "extra.extra"]
        assert list(opened.tracks()["path"][:2]) == ["t1.wav", "t2.wav"]
        matrix = opened.matrix()[0]
        np.testing.assert_array_equal(matrix[1], [2.0, 20.0])
        assert np.isnan(matrix[0, 1]) and np.isnan(matrix[2, 0])
    refused = run("import", table, "-o", store, "--name", "alpha")
    assert refused.exit_code != 0 and "namespace 'alpha' is an extractor" in refused.output


BAD = {
    "missing id": ("a,b\n1,2\n", ["--id-column", "track"], "no id column 'track'"),
    "duplicate ids": ("id,x\nt1,1\nt1,2\n", [], "duplicate id 't1' (row 2"),
    "non-numeric": ("id,x\nt1,1\nt2,abc\n", [], "column 'x' has 1 non-numeric cell(s): row 3 'abc'"),
    "infinite": ("id,x\nt1,1\nt2,inf\n", [], "column 'x' row 3 is infinite"),
    "empty": ("id,x\n", [], "empty table"),
    "no header": ("", [], "empty table"),
    "duplicate header": ("id,x,x\nt1,1,2\n", [], "names column 'x' twice"),
    "collision": ("id,A b,a-b\nt1,1,2\n", [], "both become t.a_b"),
    "extractor namespace": ("id,x\nt1,1\n", ["--name", "level"], "collides with an installed extractor"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_and_writes_nothing(runner: CliRunner, tmp_path: Path, case: str) -> None:
    """Each bad table is refused in one line (the toy extractor 'level' is installed)."""
    text, options, message = BAD[case]
    table = tmp_path / "t.csv"
    table.write_text(text)
    store = tmp_path / "s.h5"
    result = runner.invoke(cli, ["import", str(table), "-o", str(store), *(options or ["--name", "t"])])
    assert result.exit_code != 0
    assert message in result.output and str(table) in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not store.exists()


def test_two_tables_may_not_share_a_namespace(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("id,x\nt1,1\n")
    second.write_text("id,x\nt2,1\n")
    result = run("import", first, second, "-o", tmp_path / "s.h5", "--name", "t")
    assert result.exit_code != 0 and "namespace 't' also comes from" in result.output
    assert not (tmp_path / "s.h5").exists()


def test_duplicates_keep_first_or_last(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("id,x\nt1,1\nt1,2\n")
    for keep, expected in (("first", 1.0), ("last", 2.0)):
        store = tmp_path / f"{keep}.h5"
        assert run("import", table, "-o", store, "--on-duplicate", keep).exit_code == 0
        with FeatureStore(store) as opened:
            assert opened.matrix()[0][0, 0] == expected


def test_not_a_table_and_unmatched_schema(tmp_path: Path) -> None:
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"\x00\x01 not parquet")
    result = run("import", junk, "-o", tmp_path / "s.h5")
    assert result.exit_code != 0 and "not a readable table" in result.output
    schema = tmp_path / "schema.toml"
    schema.write_text('[columns."nothing*"]\nsource = "ontology"\n')
    table = tmp_path / "t.csv"
    table.write_text("id,x\nt1,1\n")
    result = run("import", table, "-o", tmp_path / "s.h5", "--schema", schema)
    assert "schema entry 'nothing*' matches no imported column" in result.output
    assert not (tmp_path / "s.h5").exists()


def test_store_writer_refuses_names_groupings_reject(tmp_path: Path) -> None:
    meta = ExtractorMeta("pf", "1", {}, "h", "p", "d", "", (("Rhythm Complexity", "", "", "imported"),), ())
    with h5py.File(tmp_path / "s.h5", "w") as file:
        layout.initialise(file, "test")
        with pytest.raises(StoreError, match=r"feature name pf\.Rhythm Complexity is not valid"):
            layout.declare(file, meta)
        with pytest.raises(StoreError, match="extractor name 'PF Table' is not valid"):
            layout.declare(file, ExtractorMeta("PF Table", "1", {}, "h", "p", "d", "", (), ()))


def test_small_files_get_small_chunks(tmp_path: Path) -> None:
    """A journal shard or store that knows its row count does not allocate megabyte chunks for three rows."""
    from featurize.store.records import ExtractorRecord, Status, TrackRecord

    meta = ExtractorMeta("toy", "1", {}, "h", "p", "d", "", tuple((f"f{i}", "", "", "imported") for i in range(5)), ())
    records = [
        TrackRecord(id=f"t{i}", path="", extractors=(ExtractorRecord("toy", "1:h", Status.OK, np.ones(5)),))
        for i in range(3)
    ]
    sizes = {}
    for hint in (None, 3):
        path = tmp_path / f"{hint}.h5"
        with h5py.File(path, "w") as file:
            layout.initialise(file, "test", chunk_bytes=layout.SHARD_CHUNK_BYTES, rows_hint=hint)
            layout.write_records(file, records, {"toy": meta})
        sizes[hint] = path.stat().st_size
    assert sizes[3] < 64 << 10 and sizes[None] > 10 * sizes[3], sizes
