"""tokenize() is memoised: callers share its results, so they must be immutable."""
from loomdb.engine.inverted.tokenizer import intern_all, tokenize


def test_tokenize_returns_a_shared_immutable_tuple():
    first = tokenize("word", "Hello, wide World")
    assert first == ("hello", "wide", "world")
    assert tokenize("word", "Hello, wide World") is first         # the cached object itself
    assert tokenize(None, "a b") == ("a b",)
    assert tokenize("field", "  ") == ()
    assert tokenize("trigram", "Abcd") == ("abc", "bcd")


def test_intern_all_reports_new_tokens_in_id_order():
    vocab: dict[str, int] = {"a": 0}
    new: list[str] = ["a"]
    assert intern_all(vocab, ("b", "a", "c", "b"), new) == [1, 0, 2, 1]
    assert new == ["a", "b", "c"] and vocab == {"a": 0, "b": 1, "c": 2}
