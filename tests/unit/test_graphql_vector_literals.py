"""Inline query vectors lifted into variables (server/graphql/vector_literals.py): what is lifted, what is left."""
from __future__ import annotations

import pytest
from graphql import parse

from loomdb.server.graphql.vector_literals import PREFIX, declare, lift_vectors

LONG = "[0.125, -0.5, 1e-3, 2.25, 3]"


def test_vector_lists_become_padded_variables_with_the_same_layout():
    query = f'{{ Get {{ A(nearVector: {{vector: {LONG}}}) {{ t }} }} }}'
    lifted = lift_vectors(query)
    assert list(lifted.variables) == [f"{PREFIX}0"]
    assert lifted.variables[f"{PREFIX}0"].tolist() == pytest.approx([0.125, -0.5, 0.001, 2.25, 3.0])
    assert len(lifted.text) == len(query) and lifted.text.index("{ t }") == query.index("{ t }")
    assert lifted.key == lifted.text.replace(" " * (len(LONG) - len(f"${PREFIX}0")), "")
    other = lift_vectors('{ Get { A(nearVector: {vector: [9, 8, 7, 6, 5, 4, 3, 2, 1]}) { t } } }')
    assert other.key == lifted.key          # same shape, one cached document


def test_strings_comments_short_and_non_numeric_lists_stay():
    query = (f'{{ Get {{ A(where: {{valueText: "vector: {LONG}"}}) # vector: {LONG}\n'
             '{ t } B(nearVector: {vector: [1, 2]}) { t } C(nearVector: {vector: [$x, 1, 2, 3, 4, 5, 6, 7]}) '
             '{ t } } }')
    assert lift_vectors(query).variables == {}


def test_declare_adds_vector_variables_to_the_operation_using_them():
    lifted = lift_vectors(f'query Q($n: Int) {{ Get {{ A(limit: $n, nearVector: {{vector: {LONG}}}) {{ t }} }} }}')
    document = declare(parse(lifted.text), list(lifted.variables))
    assert document is not None
    definitions = document.definitions[0].variable_definitions
    assert [(d.variable.name.value, d.type.name.value) for d in definitions] == [("n", "Int"), (f"{PREFIX}0", "Vector")]
    in_fragment = lift_vectors(f'{{ Get {{ ...F }} }} fragment F on GetObjectsObj {{ A(nearVector: {{vector: {LONG}}}) '
                               '{ t } }')
    assert declare(parse(in_fragment.text), list(in_fragment.variables)) is None
