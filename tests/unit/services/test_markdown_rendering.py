"""Markdown from user text cannot inject links, HTML or headings; code spans stay readable."""

import pytest

from relnotes.services.rendering import escape_markdown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Run `dig +short api.example.com`", "Run `dig +short api.example.com`"),
        ("[click](https://evil.example)", "\\[click\\](https://evil.example)"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("# heading", "\\# heading"),
        ("an odd ` backtick", "an odd \\` backtick"),
        ("`psql -h <endpoint>` then <b>", "`psql -h <endpoint>` then \\<b\\>"),
    ],
)
def test_escaping(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected
