"""The text a vectorizer module embeds for an object (Weaviate's object_texts.go rules, modules-facts.md §4.2)."""
from __future__ import annotations

import pytest

from loomdb.usecases.module_config import VectorSource
from loomdb.usecases.vectorize import object_text, split_camel_case

TYPES = {"brand": "text", "power": "int", "review": "text", "tags": "text[]", "when": "date"}


def source(module: str = "text2vec-openai", props: dict | None = None, **settings) -> VectorSource:
    return VectorSource("default", module, {"vectorizeClassName": True, **settings}, props or {}, TYPES)


@pytest.mark.parametrize(("name", "split"), [
    ("ArticleSummary", "Article Summary"), ("HTMLPage", "HTML Page"), ("Car", "Car"), ("Article2", "Article 2"),
    ("camelCase", "camel Case")])
def test_split_camel_case(name, split):
    assert split_camel_case(name) == split


def test_weaviate_example_lower_case_with_property_names():
    # objects_test.go: Car{brand, power, review}, contextionary (lower-cases), vectorizePropertyName on
    names = {"brand": {"vectorizePropertyName": True}, "review": {"vectorizePropertyName": True}}
    text = object_text("Car", {"brand": "best brand", "power": 300, "review": "a very great car"},
                       source("text2vec-contextionary", names), lowercase_all=False)
    assert text == "car brand best brand review a very great car"


def test_sorted_order_skip_and_text_lists():
    props = {"review": {"skip": True}}
    text = object_text("ArticleSummary", {"tags": ["b", "a"], "review": "no", "brand": "Acme", "power": 3},
                       source(props=props), lowercase_all=False)
    assert text == "Article Summary Acme b a"


def test_source_properties_take_any_type_and_ignore_skip():
    text = object_text("Car", {"power": 300.0, "brand": "x", "review": "r", "when": "2024-01-01T00:00:00Z"},
                       source(props={"power": {"skip": True}}, vectorizeClassName=False,
                              properties=["power", "when"]), lowercase_all=False)
    assert text == "300 2024-01-01T00:00:00Z"


def test_class_name_fallback_and_empty_text():
    assert object_text("Car", {"power": 1}, source(vectorizeClassName=False), lowercase_all=False) == "Car"
    assert object_text("Car", {"power": 1}, source(vectorizeClassName=False, properties=["brand"]),
                       lowercase_all=False) == ""


def test_lowercase_vectorization_input_env():
    assert object_text("Car", {"brand": "BIG"}, source(), lowercase_all=True) == "car big"
