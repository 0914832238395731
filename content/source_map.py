"""Which file and line a piece of the assembled course data came from.

A folder course is assembled into one data tree: course.yaml with each lecture file's
data put in place of its key under `weeks[i].lectures`.  A `SourceMap` remembers, for each
such graft, the file and the YAML document it came from, so that any path into the
assembled tree (a pydantic `loc`, a rule's path) can be turned back into `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from content.paths import DataPath, render_path
from content.yaml_lines import YamlDocument


@dataclass(frozen=True)
class Segment:
    prefix: DataPath  # where the graft sits in the assembled tree
    file: Path
    doc: YamlDocument
    origin: DataPath = ()  # the same place inside `doc`


@dataclass
class Location:
    file: Path
    line: int | None
    path: str  # the path rendered relative to the file, e.g. chunks[intro].title.kk


@dataclass
class SourceMap:
    segments: list[Segment] = field(default_factory=list)

    def add(self, prefix: DataPath, file: Path, doc: YamlDocument, origin: DataPath = ()) -> None:
        self.segments.append(Segment(tuple(prefix), file, doc, tuple(origin)))

    def locate(self, path: DataPath) -> Location:
        path = tuple(path)
        best = max(
            (s for s in self.segments if path[: len(s.prefix)] == s.prefix),
            key=lambda s: len(s.prefix),
        )
        inner = best.origin + path[len(best.prefix) :]
        return Location(best.file, best.doc.line_of(inner), render_path(inner, best.doc.data))
