"""Faults of the machine and of the bytes: full disks, read-only media, flipped bits, odd names, locks.

Each test reproduces a fault seen on a real machine: a full file system must end a run with
one line and lose nothing; readers must not write; a flipped byte must be found, never read
as a number; a file name that is not UTF-8 must not cost the batch; the lock file must not
outlive its writer, while a killed writer's lock must not block the next one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from featurize.cli import cli
from featurize.errors import StoreError, StoreFullError
from featurize.store import ExtractorMeta, ExtractorRecord, FeatureStore, Status, StoreWriter, TrackRecord
from featurize.store import writer as store_writer
from featurize.store.verify import verify

META = ExtractorMeta(
    name="toy",
    version="1",
    params={},
    params_hash="h",
    plugin="toy",
    distribution="toy==1",
    description="A toy.",
    features=(("a", "A.", "", "nlp"), ("b", "B.", "", "nlp")),
    artifacts=(),
)


def record(track: str, value: float) -> TrackRecord:
    outcome = ExtractorRecord("toy", META.key, Status.OK, np.array([value, -value], np.float32))
    return TrackRecord(track, f"{track}.wav", "hash", 1.0, (outcome,))


def write(path: Path, n: int, *, close: bool = True) -> StoreWriter:
    writer = StoreWriter(path, batch_size=1)
    writer.declare([META])
    writer.start_run({"run_id": "r"})
    for i in range(n):
        writer.add(record(f"t{i:03d}", float(i)))
    if close:
        writer.close()
    return writer


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def small_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs mounted for the test (root only); skipped where mounting is not allowed."""
    mount = tmp_path / "fs"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# -- a full disk ------------------------------------------------------------------------------------


def test_full_disk_ends_the_run_with_one_line_and_keeps_every_durable_track(
    runner: CliRunner, small_filesystem: Path, tmp_path: Path, audio_file: Callable[..., Path]
) -> None:
    songs = tmp_path / "songs"
    for i in range(24):
        audio_file(songs / f"t{i:02d}.wav", seconds=0.2, sr=8000, seed=i % 3)
    store = small_filesystem / "s.h5"
    filler = small_filesystem / "filler"
    with open(filler, "wb") as file:  # leave room for the journal, not for the checkpoint's copy
        file.truncate(0)
    free = shutil.disk_usage(small_filesystem).free
    with open(filler, "wb") as file:
        file.write(b"\0" * (free - (2 << 20)))
    args = ["--plugins", "level", "extract", str(songs), "-o", str(store), "--executor", "serial"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "no space left on" in lines[0] and "free space and re-run" in lines[0], result.output
    safe = int(lines[0].split(" track(s) are safe")[0].rsplit(" ", 1)[1])
    assert safe == 24
    filler.unlink()
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    with FeatureStore(store) as opened:
        assert sorted(opened.track_ids) == sorted(f"t{i:02d}" for i in range(24))
        assert not np.isnan(opened.matrix()[0]).any()


def test_no_space_while_journaling_is_one_error_and_nothing_reported_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.h5"
    writer = write(path, 3, close=False)
    writer.flush()

    def full(_: Path, __: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_writer, "_write_atomically", full)
    with pytest.raises(StoreFullError, match=r"no space left on .*3 track\(s\) are safe in the journal"):
        writer.add(record("t100", 1.0))
    with pytest.raises(StoreFullError):
        writer.close()
    assert not (path.with_name(path.name + ".lock")).exists()
    monkeypatch.undo()
    StoreWriter(path).close()
    with FeatureStore(path) as opened:
        assert opened.track_ids == ["t000", "t001", "t002"]


def test_checkpoint_without_room_leaves_store_and_journal_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.h5"
    write(path, 2)
    writer = write(path, 4, close=False)
    writer.flush()
    before = snapshot(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(1 << 30, 1 << 30, 0))
    with pytest.raises(StoreFullError, match="safe in the journal"):
        writer.checkpoint()
    assert snapshot(tmp_path) == before
    writer._lock.release()


# -- readers never write ------------------------------------------------------------------------------


def test_readers_leave_a_store_with_a_pending_journal_untouched(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    writer = write(path, 3, close=False)
    writer.flush()
    writer._lock.release()  # the writer "dies": the journal stays pending
    before = snapshot(tmp_path)
    info = runner.invoke(cli, ["info", str(path)])
    assert info.exit_code == 0 and "3 tracks" in info.output, info.output
    export = runner.invoke(cli, ["export", str(path), "-o", str(tmp_path.parent / f"{tmp_path.name}.csv")])
    assert export.exit_code == 0, export.output
    assert snapshot(tmp_path) == before
    assert not (path.with_name(path.name + ".lock")).exists()


def test_readers_work_on_read_only_media(runner: CliRunner, small_filesystem: Path) -> None:
    path = small_filesystem / "s.h5"
    writer = write(path, 3, close=False)
    writer.flush()
    writer._lock.release()
    subprocess.run(["mount", "-o", "remount,ro", str(small_filesystem)], check=True)
    info = runner.invoke(cli, ["info", str(path)])
    assert info.exit_code == 0 and "3 tracks" in info.output, info.output
    with FeatureStore(path) as opened:
        assert opened.matrix()[0][:, 0].tolist() == [0.0, 1.0, 2.0]


# -- integrity ------------------------------------------------------------------------------------------


def flip_byte_in_chunk(path: Path, dataset: str, chunk: int = 0) -> None:
    """Flip one byte inside the stored data of a chunk (not the HDF5 metadata)."""
    with h5py.File(path, "r") as file:
        info = file[dataset].id.get_chunk_info(chunk)
    offset = info.byte_offset + info.size // 2
    with open(path, "r+b") as file:
        file.seek(offset)
        byte = file.read(1)
        file.seek(offset)
        file.write(bytes([byte[0] ^ 0x5A]))


def test_flipped_feature_value_is_found_by_verify_and_never_read_as_a_number(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, 5)
    assert verify(path).ok and verify(path).checksummed > 0
    flip_byte_in_chunk(path, "/features/toy/values")
    result = verify(path)
    assert not result.ok
    assert [(d.extractor, d.dataset) for d in result.damage] == [("toy", "/features/toy/values")]
    assert result.damage[0].rows is not None and result.damage[0].rows[0] == 0
    cli_result = runner.invoke(cli, ["info", "--verify", str(path)])
    assert cli_result.exit_code == 1 and "extractor 'toy'" in cli_result.output, cli_result.output
    export = runner.invoke(cli, ["export", str(path), "-o", str(tmp_path / "x.csv")])
    assert export.exit_code == 1 and "damaged" in export.output and "Traceback" not in export.output
    assert not (tmp_path / "x.csv").exists()


def test_flipped_status_bytes_are_found(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, 5)
    flip_byte_in_chunk(path, "/extractors/toy/status")
    damage = verify(path).damage
    assert [d.dataset for d in damage] == ["/extractors/toy/status"]
    with pytest.raises(StoreError, match="damaged"), FeatureStore(path) as opened:
        opened.failures()


def test_writers_never_make_a_damaged_store_worse(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, 5)
    flip_byte_in_chunk(path, "/features/toy/values")
    damaged = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match="unchanged"):
        write(path, 7)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == damaged
    assert not path.with_name(path.name + ".merging").exists()


def test_store_without_format_version_or_with_damaged_root_attributes_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "s.h5"
    write(path, 2)
    with h5py.File(path, "r+") as file:
        del file.attrs["format_version"]
    with pytest.raises(StoreError, match="format_version"):
        FeatureStore(path)
    with pytest.raises(StoreError, match="format_version"):
        StoreWriter(path)
    with h5py.File(path, "r+") as file:
        file.attrs["format_version"] = "one"
    result = runner.invoke(cli, ["info", str(path)])
    assert result.exit_code == 1 and "format_version" in result.output and "Traceback" not in result.output


# -- names that are not UTF-8 ----------------------------------------------------------------------------


def test_file_names_that_are_not_utf8_are_stored_losslessly_and_shown_readably(
    runner: CliRunner, tmp_path: Path, audio_file: Callable[..., Path]
) -> None:
    songs = tmp_path / "songs"
    audio_file(songs / "good.wav", seconds=0.3, sr=8000)
    odd = os.fsdecode(b"bad_\xff\xfe_name")
    audio_file(songs / "renamed.wav", seconds=0.3, sr=8000, seed=1).rename(songs / f"{odd}.wav")
    store = tmp_path / "s.h5"
    result = runner.invoke(cli, ["--plugins", "level", "extract", str(songs), "-o", str(store), "--executor", "serial"])
    assert result.exit_code == 0, result.output
    with FeatureStore(store) as opened:
        assert sorted(opened.track_ids) == sorted([odd, "good"])
        assert opened.track_path(odd).name == f"{odd}.wav"
        assert not np.isnan(opened.matrix()[0]).any()
    export = runner.invoke(cli, ["export", str(store), "-o", str(tmp_path / "x.csv")])
    assert export.exit_code == 0, export.output
    assert "bad_\\xff\\xfe_name" in (tmp_path / "x.csv").read_text()


def test_cli_prints_odd_names_on_a_strict_utf8_terminal(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad_\xff\xfe_name")
    code = (
        "import sys, io; sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding='utf-8', errors='strict'); "
        "from featurize.display import escape_output_streams; escape_output_streams(); "
        f"print({name!r})"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "bad_\\xff\\xfe_name"


# -- the lock file ----------------------------------------------------------------------------------------


def test_lock_file_is_removed_on_exit(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    with StoreWriter(path) as writer:
        assert writer._lock.path.exists()
    assert not writer._lock.path.exists()


LOCK_HOLDER = """
import sys, time
from pathlib import Path
from featurize.store.writer import StoreLock
lock = StoreLock(Path(sys.argv[1]))
assert lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_lock_of_a_killed_writer_does_not_block_and_a_live_one_does(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another featurize process"):
            StoreWriter(path)
    finally:
        holder.kill()
        holder.wait()
    lock_file = path.with_name(path.name + ".lock")
    assert lock_file.exists()  # left behind by kill -9 ...
    deadline = time.monotonic() + 5
    while True:  # ... but free: the kernel dropped the flock with the process
        try:
            StoreWriter(path).close()
            break
        except StoreError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert not lock_file.exists()
