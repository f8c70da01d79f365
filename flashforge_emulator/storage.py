"""The printer's local file storage: seeded files and uploads on disk."""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import itertools
from pathlib import Path
from typing import BinaryIO

from .gcode import (
    HEAD_BYTES,
    TAIL_BYTES,
    GcodeMeta,
    ToolData,
    parse_3mf,
    parse_gcode_text,
    seed_3mf,
    seed_gcode,
)
from .images import thumbnail_png
from .profiles import Profile

CHUNK_BYTES = 256 * 1024
RECENT_FILES = 10
_order = itertools.count()


@dataclass(slots=True)
class StoredFile:
    """A file on the printer, with what the firmware knows about it."""

    name: str
    path: Path
    size: int
    sha256: str
    meta: GcodeMeta
    thumbnail: bytes
    order: int = field(default_factory=lambda: next(_order))

    @property
    def tools(self) -> list[ToolData]:
        """Return the filaments (AD5X tool data) the file uses."""
        return self.meta.tools


def safe_file_name(name: str) -> str | None:
    """Return a plain file name, or None when it would leave the storage folder."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in (".", "..") or "\x00" in base:
        return None
    return base


def metadata_for(
    name: str, path: Path, head: bytes, tail: bytes
) -> tuple[GcodeMeta, bytes]:
    """Return parsed metadata and a PNG thumbnail for a stored file."""
    if name.lower().endswith(".3mf"):
        meta = parse_3mf(str(path))
    else:
        text = head.decode("utf-8", "replace") + "\n" + tail.decode("utf-8", "replace")
        meta = parse_gcode_text(text)
    thumb = meta.thumbnail_png or thumbnail_png(name, [t.color for t in meta.tools])
    return meta, thumb


class Spool:
    """Write an upload to disk chunk by chunk, hashing and sizing it on the way."""

    def __init__(self, directory: Path, name: str) -> None:
        """Open a partial file next to where the upload will land."""
        self.final_path = directory / name
        self.partial_path = directory / f".{name}.partial"
        self._file: BinaryIO = self.partial_path.open("wb")
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = bytearray()
        self.tail = bytearray()

    def write(self, chunk: bytes) -> None:
        """Append a chunk (synchronous: page-cache writes are quick)."""
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)
        if len(self.head) < HEAD_BYTES:
            self.head.extend(chunk[: HEAD_BYTES - len(self.head)])
        self.tail.extend(chunk[-TAIL_BYTES:])
        del self.tail[:-TAIL_BYTES]

    @property
    def sha256(self) -> str:
        """Return the hex digest of everything written so far."""
        return self._hash.hexdigest()

    def discard(self) -> None:
        """Close and delete the partial file."""
        self._file.close()
        self.partial_path.unlink(missing_ok=True)

    def commit(self) -> Path:
        """Close the file and move it to its final name."""
        self._file.close()
        self.partial_path.replace(self.final_path)
        return self.final_path


class FileStore:
    """The files the printer holds, most recent last in insertion order."""

    def __init__(self, directory: Path) -> None:
        """Use a directory for file contents."""
        self.directory = directory
        self.files: dict[str, StoredFile] = {}

    def seed(self, profile: Profile) -> None:
        """Write the profile's out-of-the-box files to disk."""
        for seed in profile.seed_files:
            thumb = thumbnail_png(seed.name, [t.color for t in seed.tools])
            data = (
                seed_3mf(seed, thumb)
                if seed.name.lower().endswith(".3mf")
                else seed_gcode(seed)
            )
            path = self.directory / seed.name
            path.write_bytes(data)
            meta, thumbnail = metadata_for(
                seed.name, path, data[:HEAD_BYTES], data[-TAIL_BYTES:]
            )
            self.add(
                StoredFile(
                    name=seed.name,
                    path=path,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    meta=meta,
                    thumbnail=thumbnail,
                )
            )

    def add(self, stored: StoredFile) -> None:
        """Register a file, replacing one of the same name."""
        self.files.pop(stored.name, None)
        self.files[stored.name] = stored

    def touch(self, name: str) -> None:
        """Mark a file as most recently used (printing it does this)."""
        stored = self.files.pop(name)
        stored.order = next(_order)
        self.files[name] = stored

    def recent(self, limit: int = RECENT_FILES) -> list[StoredFile]:
        """Return the most recently used files, newest first."""
        return sorted(self.files.values(), key=lambda f: f.order, reverse=True)[:limit]

    @property
    def used_mb(self) -> float:
        """Return the space the files take, in megabytes."""
        return sum(f.size for f in self.files.values()) / 1_000_000

    def open_spool(self, name: str) -> Spool:
        """Start receiving an upload."""
        return Spool(self.directory, name)

    def finish_spool(self, spool: Spool, name: str) -> StoredFile:
        """Register a fully received upload."""
        path = spool.commit()
        meta, thumbnail = metadata_for(name, path, bytes(spool.head), bytes(spool.tail))
        stored = StoredFile(
            name=name,
            path=path,
            size=spool.size,
            sha256=spool.sha256,
            meta=meta,
            thumbnail=thumbnail,
        )
        self.add(stored)
        return stored
