"""Text a read model cannot hold (NUL, lone surrogates) never becomes an event (no I/O)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import RuleViolation, UnstorableText
from domain.org_registry import OrgUnit
from domain.text import check_storable
from tests.unit.test_service_issue_lifecycle import new_issue


@pytest.mark.parametrize("bad", ["天桥\x00区", "天桥\ud800区", "\udfff"])
def test_a_name_views_cannot_hold_is_refused(bad: str) -> None:
    with pytest.raises(UnstorableText) as caught:
        OrgUnit.register(kind="district", code="370105", name=bad, parent=None)
    assert caught.value.field == "name"
    assert isinstance(caught.value, RuleViolation)


def test_text_that_skips_require_text_is_refused_too() -> None:
    with pytest.raises(UnstorableText) as caught:
        new_issue(reporter_ref="resident\x00")
    assert caught.value.field == "reporter_ref"


def test_nested_text_is_checked() -> None:
    check_storable({"notes": [{"who": "a"}], "n": 1})
    with pytest.raises(UnstorableText) as caught:
        check_storable({"n": 1, "notes": [{"who": "a\ud83d"}]})
    assert caught.value.field == "notes"
    with pytest.raises(UnstorableText):
        check_storable({"notes": {"\x00": "key"}})


def test_any_other_unicode_is_kept() -> None:
    unit = OrgUnit.register(kind="district", code="370105", name="天桥区 😀\t", parent=None)
    assert unit.name == "天桥区 😀"
    assert new_issue(reporter_ref=f"r-{uuid4()}\u200b").reporter_ref.endswith("\u200b")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "a\x00b",
        "\ud800",
        "x\udfffy",
        "中文\ud83d\ude00",
        "\U0001f600 ok",
        "é",
        "\ud7ff\ue000",
    ],
)
def test_the_fast_answer_is_the_pattern_s_answer(text: str) -> None:
    from domain.text import storable, unstorable_char

    assert storable(text) == (unstorable_char(text) is None)


def test_text_inside_subclasses_and_sets_is_checked() -> None:
    from enum import StrEnum

    class Kind(StrEnum):
        BAD = "a\x00"

    with pytest.raises(UnstorableText) as caught:
        check_storable({"n": 1, "kind": Kind.BAD})
    assert caught.value.field == "kind"
    with pytest.raises(UnstorableText):
        check_storable({"tags": frozenset({"ok", "\ud800"})})
