"""What a Builder keeps between runs, in typed parts, each owned by the stage that makes it.

- `ReadState`, owned by the Builder's reading of the content (pipeline.py): each review folder's
  record and its files' names; site.yaml and the pages, parsed and checked.
- `RenderState`, owned by `site.renderer.Renderer`: what each output was made from, what each
  template names, the data files' parts.
- `written`, made by `output.write.SiteWriter` and handed back after each run: each file written,
  with the digest of what was written and its stamp.
- `IndexState`, owned by `indexing.SearchShards`: the search shards on disk.
- `inputs` and `store`, the Builder's: a digest of everything the last good build was made from,
  and where the store keeps each value.

`to_saved` and `from_saved` turn a `BuildState` into the named values the build cache writes
(output/cache.py) and back; loading checks every part's type, so that a state another version
wrote, or one damaged in a way its digest could not show, is refused (`cache.CacheError`) and the
build starts afresh. docs/incremental.md lists every key these parts are kept by.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from ..content.load import FileCache
from ..content.validate import FieldCache
from ..output.cache import CacheError, PackEntry
from ..output.write import Written
from ..site.renderer import RenderState
from .indexing import IndexState
from .records import FolderRecord

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Part = TypeVar("_Part", bound="DataclassInstance")


@dataclass
class ReadState:
    records: dict[str, FolderRecord] = field(default_factory=dict)  # review folder -> its record
    folders: dict[str, list[str]] = field(default_factory=dict)  # review folder -> the names of its files
    files: FileCache = field(default_factory=FileCache)  # site.yaml and the pages, by their bytes
    checked: FieldCache = field(default_factory=FieldCache)  # their fields, checked


@dataclass
class BuildState:
    read: ReadState = field(default_factory=ReadState)
    render: RenderState = field(default_factory=RenderState)
    written: Written = field(default_factory=dict)
    index: IndexState = field(default_factory=IndexState)
    inputs: bytes = b""  # a digest of everything the last good build was made from
    store: dict[bytes, PackEntry] = field(default_factory=dict)  # the store's index: key -> where its value is


_PARTS = (("read", ReadState), ("render", RenderState), ("index", IndexState))
_TYPES: dict[str, type | tuple[type, ...]] = {  # what each saved value must be, with its items' type where a dict
    "read.records": dict, "read.folders": dict, "read.files": FileCache, "read.checked": FieldCache,
    "render.done": dict, "render.uses": dict, "render.parts": dict, "written": dict,
    "index.shards": dict, "inputs": bytes, "store": dict,
}
_ITEMS: dict[str, type | tuple[type, ...]] = {"read.records": FolderRecord, "read.folders": list,
                                              "written": tuple, "index.shards": tuple, "store": tuple}


def to_saved(state: BuildState) -> dict[str, Any]:
    """The state as named values, large dicts among them (the cache writes those in pieces)."""
    saved: dict[str, Any] = {}
    for name, _ in _PARTS:
        part = getattr(state, name)
        saved.update({f"{name}.{f.name}": getattr(part, f.name) for f in fields(part)})
    saved.update(written=state.written, inputs=state.inputs, store=state.store)
    return saved


def from_saved(saved: dict[str, Any]) -> BuildState:
    """The state the named values make; raises CacheError when one is missing or not of its type."""
    if set(saved) != set(_TYPES):
        raise CacheError("the build state does not hold the parts this version keeps")
    for name, kind in _TYPES.items():
        value = saved[name]
        if not isinstance(value, kind) or (name in _ITEMS and isinstance(value, dict)
                                           and not all(isinstance(v, _ITEMS[name]) for v in value.values())):
            raise CacheError(f"the build state's {name} is not what this version keeps")
    return BuildState(read=_part(saved, "read", ReadState), render=_part(saved, "render", RenderState),
                      index=_part(saved, "index", IndexState),
                      written=saved["written"], inputs=saved["inputs"], store=saved["store"])


def _part(saved: dict[str, Any], name: str, cls: type[_Part]) -> _Part:
    """The part `name` of the state, made from its saved values."""
    return cls(**{f.name: saved[f"{name}.{f.name}"] for f in fields(cls)})
