"""The build cache's store: values by key in pack files, read by forked workers, compacted, and lost safely."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from generator.cache import Store


@pytest.fixture(params=["packs", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return Store(tmp_path / "build.packs" if request.param == "packs" else None)


def test_values_are_read_back_by_key_in_order(store: Store) -> None:
    store.put(b"a", b"first")
    store.put(b"b", b"")
    store.put(b"a", b"replaced")
    assert store.get(b"a") == b"replaced"
    assert [store.get(key) for key in (b"b", b"missing", b"a")] == [b"", None, b"replaced"]
    assert store.present() == {b"a", b"b"}


_inherited: Store | None = None  # the store a forked worker inherits, as the build's workers do


def _read(key: bytes) -> bytes | None:
    return _inherited.get(key)  # type: ignore[union-attr]


def test_a_forked_worker_reads_what_was_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "build.packs")
    store.put(b"model", b"x" * 100_000)
    assert store.get(b"model")  # the parent has its own reader open before the fork
    store.put(b"later", b"y")
    store.commit()
    monkeypatch.setattr(f"{__name__}._inherited", store)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_read, [b"model", b"later"]) == [b"x" * 100_000, b"y"]
    assert store.get(b"later") == b"y"


def test_a_new_store_with_the_index_reads_the_packs_and_writes_its_own(tmp_path: Path) -> None:
    first = Store(tmp_path / "build.packs")
    first.put(b"kept", b"value")
    first.commit()
    second = Store(tmp_path / "build.packs")
    second.index = dict(first.index)
    second.put(b"new", b"other")
    assert (second.get(b"kept"), second.get(b"new")) == (b"value", b"other")
    assert len(list((tmp_path / "build.packs").glob("*.pack"))) == 2


def test_keep_only_forgets_the_rest_and_rewrites_packs_mostly_unused(tmp_path: Path) -> None:
    store = Store(tmp_path / "build.packs")
    for number in range(10):
        store.put(f"key{number}".encode(), bytes([number]) * 1000)
    store.keep_only({b"key1", b"key2", b"key3", b"key4", b"key5"})  # half still used: kept as it is
    assert store.present() == {b"key1", b"key2", b"key3", b"key4", b"key5"}
    assert [p.stat().st_size for p in (tmp_path / "build.packs").glob("*.pack")] == [10_000]
    store.keep_only({b"key2"})  # 10% used: rewritten into a new pack, the old one deleted
    assert [p.stat().st_size for p in (tmp_path / "build.packs").glob("*.pack")] == [1000]
    assert store.get(b"key2") == b"\2" * 1000
    assert store.get(b"key1") is None


def test_a_value_whose_pack_was_cut_short_or_deleted_is_missing(tmp_path: Path) -> None:
    store = Store(tmp_path / "build.packs")
    store.put(b"early", b"a" * 10)
    store.put(b"late", b"b" * 10)
    store.commit()
    [pack] = (tmp_path / "build.packs").glob("*.pack")
    with pack.open("r+b") as file:
        file.truncate(15)
    assert store.present() == {b"early"}
    assert store.get(b"late") is None
    pack.unlink()
    store.close()
    assert store.present() == set()
    assert store.get(b"early") is None
