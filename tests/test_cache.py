"""The build cache: its state file, and its store (values by key in pack files, read by forked workers,
compacted, and lost safely)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import pickle
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import REPO, TEMPLATES, TODAY

from generator.build.pipeline import build
from generator.output import cache
from generator.output.cache import Store
from generator.site.learning import Recommendation, Update
from generator.site.markup import Point

SAMPLE = REPO / "tests/fixtures/sample"


def test_the_state_reads_back_as_it_was_saved_with_large_dicts_in_pieces(tmp_path: Path) -> None:
    state = {"large": {n: (str(n), b"x") for n in range(2 * cache.PIECE + 1)}, "empty": {}, "small": {"a": 1},
             "other": [1, {"b"}]}
    cache.save(tmp_path / "build-x.pickle", state)
    assert cache.load(tmp_path / "build-x.pickle") == state
    assert (tmp_path / ".gitignore").read_text().endswith("*\n")
    assert cache.load(tmp_path / "build-y.pickle") is None  # none yet
    (tmp_path / "build-x.pickle").write_bytes(b"not a pickle")
    with pytest.raises(cache.CacheError, match="fails its digest"):
        cache.load(tmp_path / "build-x.pickle")


def test_a_state_with_one_bit_flipped_anywhere_is_refused_before_it_is_unpickled(tmp_path: Path) -> None:
    path = tmp_path / "build-x.pickle"
    cache.save(path, {"records": {n: str(n) for n in range(300)}, "inputs": b"x"})
    good = path.read_bytes()
    for offset in range(0, len(good), max(1, len(good) // 97)):
        path.write_bytes(good[:offset] + bytes([good[offset] ^ 0x10]) + good[offset + 1:])
        with pytest.raises(cache.CacheError):
            cache.load(path)


def test_a_stored_value_whose_bytes_changed_is_missing_and_marked_damaged(tmp_path: Path) -> None:
    store = Store(tmp_path / "build.packs")
    store.put(b"model", pickle.dumps({"text": "DHR15"}))
    store.commit()
    [pack] = (tmp_path / "build.packs").glob("*.pack")
    data = bytearray(pack.read_bytes())
    data[data.index(b"DHR15") + 4] ^= 0x10  # "DHR15" -> "DHR1%"
    pack.write_bytes(bytes(data))
    store.close()
    assert store.get(b"model") is None and store.damaged
    with pytest.raises(cache.CacheError):
        store.value(b"model")


def test_the_small_model_objects_pickle_as_their_values() -> None:
    """Registered from the cache's side (the model's classes know nothing of it) before any build pickles them."""
    import copyreg

    import generator.build.records  # noqa: F401 - registers them, as every build does

    update = Update(dt.date(2024, 1, 2), "Training delivered.")
    rec = Recommendation("1.2", "Train staff.", "local", ("Police",), (), None, None, "planned", None,
                         (update,), None)
    for value in (Point(3, "A point.", "point-3"), update, rec):
        assert pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) == value
        assert copyreg.dispatch_table[type(value)](value) == (type(value), astuple_shallow(value))


def astuple_shallow(value: object) -> tuple[object, ...]:
    return tuple(getattr(value, field.name) for field in dataclasses.fields(value))  # type: ignore[arg-type]


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


def _site(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not str(p.relative_to(folder)).startswith("pagefind/")}


@pytest.mark.slow
def test_a_corrupted_cache_file_never_changes_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Flip a bit in every file of the build cache at many places, edit a review, build: the site equals a
    build without the cache, and the damage is said once."""
    content, cache_dir, out = tmp_path / "content", tmp_path / "cache", tmp_path / "site"
    shutil.copytree(SAMPLE, content)
    letter = next(content.rglob("letter-*.md"))
    texts = [letter.read_text(), letter.read_text().replace("\n\n", "\n\nAn edited paragraph.\n\n", 1)]
    references = []
    for number, text in enumerate(texts):
        letter.write_text(text)
        build(content, tmp_path / f"reference-{number}", TEMPLATES, search=False, today=TODAY)
        references.append(_site(tmp_path / f"reference-{number}"))
    letter.write_text(texts[0])
    build(content, out, TEMPLATES, search=False, today=TODAY, cache_dir=cache_dir)
    build(content, out, TEMPLATES, search=False, today=TODAY, cache_dir=cache_dir)  # the templates compiled too
    pristine = tmp_path / "pristine"
    shutil.copytree(cache_dir, pristine)
    files = sorted(p.relative_to(pristine) for p in pristine.rglob("*") if p.is_file() and p.name != ".gitignore")
    kinds = {p.suffix or p.parent.suffix for p in files}
    assert {".pickle", ".pack"} <= kinds and any(".templates" in str(p) for p in files), files
    runs = warned = 0
    for name in files:
        size = (pristine / name).stat().st_size
        for offset in sorted({0, size - 1, *range(0, size, max(1, size // (12 if ".templates" not in str(name)
                                                                          else 3)))}):
            shutil.rmtree(cache_dir)
            shutil.copytree(pristine, cache_dir)
            data = bytearray((cache_dir / name).read_bytes())
            data[offset] ^= 1 << (offset % 8)
            (cache_dir / name).write_bytes(bytes(data))
            edited = runs % 2
            letter.write_text(texts[edited])
            shutil.rmtree(out, ignore_errors=True)  # every page made again: what the cache holds is all read (a
            capsys.readouterr()  # site whose files are as written would be kept, and little of the cache read)
            build(content, out, TEMPLATES, search=False, today=TODAY, cache_dir=cache_dir)
            assert _site(out) == references[edited], (name, offset)
            said = capsys.readouterr().err
            assert said.count("warning:") <= 1, said
            warned += "warning:" in said
            runs += 1
    assert runs > 50 and warned > runs * 0.6, (runs, warned)
    letter.write_text(texts[0])
    (cache_dir / files[0]).write_bytes(b"")  # cut short, then unreadable: the same
    build(content, out, TEMPLATES, search=False, today=TODAY, cache_dir=cache_dir)
    assert _site(out) == references[0]


def test_another_version_of_a_library_that_shapes_the_output_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The state's name covers the libraries' versions (read from the modules: importlib.metadata costs 30 ms)."""
    cache.generator_version.cache_clear()
    before = cache.generator_version()
    monkeypatch.setattr(jinja2, "__version__", "0.0.0-another")
    cache.generator_version.cache_clear()
    try:
        assert cache.generator_version() != before
    finally:
        cache.generator_version.cache_clear()


def test_another_pdfium_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the document checks found (records, and the facts in the store) is kept under the generator's version,
    which covers the PDF reader's and its PDFium's, read from the version.json each ships."""
    cache.generator_version.cache_clear()
    before = cache.generator_version()
    shipped = cache._shipped_version
    monkeypatch.setattr(cache, "_shipped_version",
                        lambda name: b"another" if name == "pypdfium2_raw" else shipped(name))
    cache.generator_version.cache_clear()
    try:
        assert cache.generator_version() != before
        assert b'"major"' in shipped("pypdfium2_raw") and b'"major"' in shipped("pypdfium2")  # found, not guessed
    finally:
        cache.generator_version.cache_clear()
