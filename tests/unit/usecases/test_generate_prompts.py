"""Weaviate's prompt rules (generative.go): single-prompt placeholders, the grouped task's JSON (Go's
json.Marshal: sorted keys, compact, HTML characters escaped) and how values become text."""
from __future__ import annotations

import pytest

from loomdb.entities.errors import InvalidInput
from loomdb.usecases.generate import single_prompt, task_prompt


def test_single_prompt_trims_placeholder_names_and_replaces_every_occurrence():
    assert single_prompt("{title} / { title } / {title}", {"title": "cars"}) == "cars / cars / cars"


def test_single_prompt_leaves_non_word_braces_alone():
    assert single_prompt('json: {"a": 1} and {title}', {"title": "x"}) == 'json: {"a": 1} and x'


@pytest.mark.parametrize("texts", [{}, {"title": ""}])
def test_single_prompt_missing_or_empty_value_is_weaviates_error(texts):
    with pytest.raises(InvalidInput, match="Following property has empty value: 'title'. Make sure you spell"):
        single_prompt("About {title}", texts)


def test_task_prompt_appends_sorted_compact_escaped_json():
    texts = [{"title": "a<b", "body": "x & y"}, {}, {"title": "c"}]
    assert task_prompt("Sum {title} {other}", texts) == \
        'Sum a<b other: [{"body":"x \\u0026 y","title":"a\\u003cb"},{"title":"c"}]'
