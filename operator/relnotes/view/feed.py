"""The Atom feed of the newest notes, written by feedgen (valid Atom, escaped by its XML writer).

Entry ids are ``urn:relnotes:note:<uid>:<generation>``: stable across hosts, replicas and
re-renders, and new when a note is regenerated, so a feed reader shows each generation once.
"""

import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from relnotes.storage.note_pages import NoteSummary

__all__ = ["atom_feed"]

FEED_ID = "urn:relnotes:feed:notes"
# Characters XML 1.0 cannot carry at all (lxml refuses them); a stored error message may hold one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def atom_feed(notes: list[NoteSummary], base_url: str) -> bytes:
    """An Atom document of ``notes`` (newest first) with links under ``base_url``."""
    base = base_url.rstrip("/")
    feed = FeedGenerator()
    feed.id(FEED_ID)
    feed.title("Release notes")
    feed.subtitle("Infrastructure changes, drafted by relnotes")
    feed.link(href=f"{base}/feed.atom", rel="self")
    feed.link(href=f"{base}/notes", rel="alternate")
    feed.author({"name": "relnotes"})
    feed.language("en")
    newest = max((n.updated_at for n in notes), default=datetime(1970, 1, 1, tzinfo=UTC))
    feed.updated(newest)
    for note in reversed(notes):  # feedgen prepends: add oldest first to keep newest on top
        entry = feed.add_entry()
        entry.id(f"urn:relnotes:note:{note.uid}:{note.generation}")
        entry.title(_text(f"{note.namespace}/{note.name}: {note.release_note or note.phase}"))
        entry.link(href=f"{base}/notes/{note.namespace}/{note.name}", rel="alternate")
        entry.published(note.created_at)
        entry.updated(note.updated_at)
        entry.summary(_text(note.release_note or note.error or note.change_summary))
        for term in (note.category, note.component, note.version):
            if term:
                entry.category(term=_text(term))
    result: bytes = feed.atom_str(pretty=True)
    return result
