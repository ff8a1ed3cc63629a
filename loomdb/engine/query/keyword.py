"""BM25F exactly as Weaviate scores it (adapters/repos/db/inverted/bm25_searcher.go):

For each distinct query term t (tokenised per property tokenization; for `word`, stopwords dropped; a term
repeated k times in the query multiplies its idf by k), over the searched properties P:
  f_d  = sum over p in P containing t of  freq_p(t, d) * boost_p
  L_d  = sum over p in P containing t of  len_p(d)            (lengths only of properties holding t)
  n    = number of live objects containing t in any p in P   (ignores the user's filter)
  idf  = ln(1 + (N - n + 0.5) / (n + 0.5)) * k               (N = live objects in the shard)
  tf   = f_d / (f_d + k1 * (1 - b + b * L_d / avgLen))         (no (k1+1) factor)
  score(d) += tf * idf
avgLen = mean over P of each property's mean length (0 -> 40, Weaviate's fallback). All vectorised per term.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ...entities.errors import InvalidInput
from ...entities.search import KEYWORD_SEARCH, Bm25
from ..inverted.tokenizer import tokenize
from ..schema.model import PropertySpec
from .gofmt import go_float32
from .profile import OFF, StageTimer

if TYPE_CHECKING:
    from ..shard import Shard

_AVG_LEN_FALLBACK = 40.0
METHOD = "exhaustive"       # kwd_method: every posting of every term is scored (vectorised), no WAND pruning
SCORE_KEY = f"kwd_4_{METHOD}_time"      # Weaviate: kwd_4_bmw_time (BlockMax WAND), kwd_4_wand_time


@dataclass(frozen=True)
class KeywordConfig:
    """Collection settings BM25 needs."""

    class_name: str
    k1: float
    b: float
    stopwords: frozenset[str]


@dataclass
class KeywordResult:
    """Top hits (slots, scores) plus what explain_score needs: per term, the scored slots (sorted) with their
    combined frequency and property length."""

    slots: np.ndarray
    scores: np.ndarray
    terms: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    def explain(self, slot: int) -> str:
        """Weaviate's BM25 explanation: ", BM25F_<term>_frequency:<f>, BM25F_<term>_propLength:<l>" per term."""
        parts = []
        for term, slots, freqs, lens in self.terms:
            i = int(np.searchsorted(slots, slot))
            if i < len(slots) and slots[i] == slot:
                parts.append(f", BM25F_{term}_frequency:{go_float32(freqs[i])}"
                             f", BM25F_{term}_propLength:{go_float32(lens[i])}")
        return "".join(parts)




def parse_property_boost(raw: str) -> tuple[str, float]:
    """"title^2" -> ("title", 2.0); "title" -> ("title", 1.0)."""
    name, _, boost = raw.partition("^")
    if not boost:
        return name, 1.0
    try:
        return name, float(boost)
    except ValueError:
        raise InvalidInput(f"invalid property boost in {raw!r}: expected a number after '^'") from None


def searched_properties(shard: Shard, requested: tuple[str, ...], cfg: KeywordConfig
                        ) -> list[tuple[PropertySpec, float]]:
    """Properties to search with their boosts; all searchable text properties when none are named."""
    if not requested:
        return [(shard.properties[name], 1.0) for name in shard.searchable]
    out = []
    for raw in requested:
        name, boost = parse_property_boost(raw)
        name = name[:1].lower() + name[1:]          # as Weaviate: property names start lower-case
        spec = shard.properties.get(name)
        if spec is None:
            raise InvalidInput(f"no such prop with name '{name}' found in class '{cfg.class_name}' in the schema. "
                               "Check your schema files for which properties in this class are available")
        if name not in shard.searchable:
            raise InvalidInput(f"Searching by property '{name}' requires inverted index. Is `indexSearchable` "
                               f"option of property '{name}' enabled? Set it to `true` or leave empty")
        out.append((spec, boost))
    return out


def query_terms(query: str, tokenization: str, stopwords: frozenset[str]) -> Counter:
    """Distinct terms of the query under one tokenization, with their multiplicity."""
    terms = Counter(tokenize(tokenization, query))
    if tokenization == "word":
        for word in [t for t in terms if t in stopwords]:
            del terms[word]
    return terms


def bm25(shard: Shard, params: Bm25, allow: np.ndarray | None, k: int, cfg: KeywordConfig,
         explain: bool = False, timer: StageTimer = OFF) -> KeywordResult:
    """Top-k BM25F hits among live (and allowed) slots. Call inside `shard.read()`. Profiled with Weaviate's
    keys: kwd_1_tok_time (properties, statistics, tokenization), kwd_3_term_time (postings), kwd_4_<method>_time
    (scoring and top-k), kwd_time, kwd_2_terms_<tokenization>, kwd_6_res_count."""
    started = timer.now()
    result = _bm25(shard, params, allow, k, cfg, explain, timer)
    if timer.enabled:
        timer.took(KEYWORD_SEARCH, "kwd_time", started)
        timer.note(KEYWORD_SEARCH, "kwd_method", METHOD)
        timer.note(KEYWORD_SEARCH, "kwd_6_res_count", len(result.slots))
    return result


def _bm25(shard: Shard, params: Bm25, allow: np.ndarray | None, k: int, cfg: KeywordConfig, explain: bool,
          timer: StageTimer) -> KeywordResult:
    clock = timer.now()
    props = searched_properties(shard, params.properties, cfg)
    n_slots = shard.slot_count
    alive = shard.alive_view()[:n_slots]          # read-only: only gathered from
    empty = KeywordResult(np.empty(0, np.int64), np.empty(0, np.float32))
    if not props or k <= 0:
        return empty
    indexes = {spec.name: shard.searchable[spec.name] for spec, _ in props}
    means = [indexes[spec.name].mean_length(alive) for spec, _ in props]
    avg_len = sum(means) / len(means)
    if not avg_len or math.isnan(avg_len):
        avg_len = _AVG_LEN_FALLBACK
    total = float(shard.object_count())
    scores = np.zeros(n_slots, np.float64)
    matched = np.zeros(n_slots, np.int32)
    result = KeywordResult(empty.slots, empty.scores)
    groups: dict[str, list[tuple[PropertySpec, float]]] = {}
    for spec, boost in props:
        groups.setdefault(indexes[spec.name].tokenization, []).append((spec, boost))
    n_terms = 0
    for tokenization, group in groups.items():
        terms = query_terms(params.query, tokenization, cfg.stopwords)
        clock = timer.took(KEYWORD_SEARCH, "kwd_1_tok_time", clock)
        timer.note(KEYWORD_SEARCH, f"kwd_2_terms_{tokenization}", len(terms))
        for term, dup in terms.items():
            n_terms += 1
            slots, freqs, lens = _term_postings(indexes, group, term, alive)
            clock = timer.took(KEYWORD_SEARCH, "kwd_3_term_time", clock)
            if len(slots) == 0:
                continue
            n = float(len(slots))
            idf = math.log(1.0 + (total - n + 0.5) / (n + 0.5)) * dup
            if allow is not None:
                keep = allow[slots]
                slots, freqs, lens = slots[keep], freqs[keep], lens[keep]
            tf = freqs / (freqs + cfg.k1 * (1.0 - cfg.b + cfg.b * lens / avg_len))
            scores[slots] += tf * idf
            matched[slots] += 1
            if explain:
                result.terms.append((term, slots, freqs, lens))
            clock = timer.took(KEYWORD_SEARCH, SCORE_KEY, clock)
    need = _required_matches(params, n_terms)
    candidates = np.flatnonzero(matched >= need)
    if len(candidates) == 0:
        return result
    cand_scores = scores[candidates]
    if len(candidates) > k:
        top = np.argpartition(-cand_scores, k - 1)[:k]
        candidates, cand_scores = candidates[top], cand_scores[top]
    order = np.lexsort((candidates, -cand_scores))        # score desc, then insertion order
    result.slots = candidates[order]
    result.scores = cand_scores[order].astype(np.float32)
    timer.took(KEYWORD_SEARCH, SCORE_KEY, clock)
    return result


def _required_matches(params: Bm25, n_terms: int) -> int:
    if params.operator == "And":
        return max(n_terms, 1)
    return max(params.minimum_or_tokens_match, 1)


def _term_postings(indexes, group, term: str, alive: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined postings of one term over the properties of one tokenization: (slots ascending, boosted
    frequency sum, length sum over the properties holding the term), live slots only."""
    parts_s, parts_f, parts_l = [], [], []
    for spec, boost in group:
        index = indexes[spec.name]
        slots, freqs = index.postings(term)
        if len(slots) == 0:
            continue
        live = alive[slots]
        slots = slots[live]
        parts_s.append(slots)
        parts_f.append(freqs[live].astype(np.float64) * boost)
        parts_l.append(index.lengths.view()[slots].astype(np.float64))
    if not parts_s:
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    slots = np.concatenate(parts_s)
    if len(parts_s) == 1:
        order = np.argsort(slots, kind="stable")
        return slots[order], parts_f[0][order], parts_l[0][order]
    uniq, inverse = np.unique(slots, return_inverse=True)
    freqs = np.bincount(inverse, weights=np.concatenate(parts_f), minlength=len(uniq))
    lens = np.bincount(inverse, weights=np.concatenate(parts_l), minlength=len(uniq))
    return uniq, freqs, lens
