"""Vector-compression *configuration* as Weaviate does it, through the official client (and raw REST where the
client cannot express a body): the defaults config.get() reports, what create and collection.config.update refuse
(Weaviate's messages, 422) and what they accept."""
from __future__ import annotations

import pytest
from weaviate.classes.config import Configure, Reconfigure
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateInvalidInputError

Q = Configure.VectorIndex.Quantizer
R = Reconfigure.VectorIndex.Quantizer
PARSE = "updating schema: TYPE_UPDATE_CLASS: bad request :parse class update: "
DB = "updating db: TYPE_UPDATE_CLASS: "
TWO = "invalid hnsw config: more than a single compression methods enabled"


def _hnsw(factory, quantizer=None, suffix: str = "", **kwargs):
    return factory(suffix, vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.hnsw(quantizer=quantizer)), **kwargs)


def _quantizer(col):
    return col.config.get().vector_config["default"].vector_index_config.quantizer


def _update(col, quantizer) -> None:
    col.config.update(vector_config=Reconfigure.Vectors.update(
        name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(quantizer=quantizer)))


def _refused(col, quantizer) -> str:
    with pytest.raises(UnexpectedStatusCodeError) as info:
        _update(col, quantizer)
    assert info.value.status_code == 422
    return info.value.message


def _post(rest, body: dict) -> tuple[int, str]:
    r = rest.post("/v1/schema", json=body)
    return r.status_code, (r.json()["error"][0]["message"] if r.status_code != 200 else "")


def _put(rest, name: str, change) -> tuple[int, str]:
    body = rest.get(f"/v1/schema/{name}").json()
    change(body)
    r = rest.put(f"/v1/schema/{name}", json=body)
    return r.status_code, (r.json()["error"][0]["message"] if r.status_code != 200 else "")


# ---------------------------------------------------------------------------------------------- defaults
@pytest.mark.parametrize("quantizer, bits, rescore_limit", [
    (Q.rq(), 8, 20),
    (Q.rq(bits=8), 8, 20),
    (Q.rq(bits=4), 4, 20),
    (Q.rq(bits=1), 1, 512),                 # hnsw/rq_config.go: DefaultBRQRescoreLimit when none is given
    (Q.rq(bits=1, rescore_limit=30), 1, 30),
    (Q.rq(bits=1, rescore_limit=0), 1, 0),
])
def test_hnsw_rq_defaults(collection_factory, quantizer, bits, rescore_limit):
    q = _quantizer(_hnsw(collection_factory, quantizer))
    assert (type(q).__name__, q.bits, q.rescore_limit) == ("_RQConfig", bits, rescore_limit)


def test_hnsw_pq_sq_bq_defaults(collection_factory, rest):
    pq = _quantizer(_hnsw(collection_factory, Q.pq(), "Pq"))
    assert (pq.segments, pq.centroids, pq.training_limit) == (0, 256, 100000)
    assert (pq.encoder.type_.value, pq.encoder.distribution.value) == ("kmeans", "log-normal")
    sq = _quantizer(_hnsw(collection_factory, Q.sq(), "Sq"))
    assert (sq.rescore_limit, sq.training_limit) == (20, 100000)
    bq = _hnsw(collection_factory, Q.bq(cache=True, rescore_limit=9), "Bq")     # hnsw's bq is {"enabled"} only
    assert (_quantizer(bq).cache, _quantizer(bq).rescore_limit) == (None, None)
    stored = rest.get(f"/v1/schema/{bq.name}").json()["vectorConfig"]["default"]["vectorIndexConfig"]
    assert stored["bq"] == {"enabled": True}
    assert stored["pq"] == {"enabled": False, "bitCompression": False, "segments": 0, "centroids": 256,
                            "trainingLimit": 100000, "encoder": {"type": "kmeans", "distribution": "log-normal"}}
    assert stored["rq"] == {"enabled": False, "bits": 8, "rescoreLimit": 20}
    assert (stored["skipDefaultQuantization"], stored["trackDefaultQuantization"]) == (False, False)


def test_flat_and_dynamic_defaults(collection_factory, rest):
    flat = collection_factory("Flat", vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.flat(quantizer=Q.rq(bits=1))))
    q = flat.config.get().vector_config["default"].vector_index_config.quantizer
    assert (q.bits, q.rescore_limit, q.cache) == (1, -1, False)          # flat: -1 = let Weaviate pick, any bits
    stored = rest.get(f"/v1/schema/{flat.name}").json()["vectorConfig"]["default"]["vectorIndexConfig"]
    assert stored["pq"] == stored["bq"] == stored["sq"] == {"enabled": False, "rescoreLimit": -1, "cache": False}
    flat_bq = collection_factory("FlatBq", vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.flat(quantizer=Q.bq())))
    q = flat_bq.config.get().vector_config["default"].vector_index_config.quantizer
    assert (q.rescore_limit, q.cache) == (-1, False)
    dynamic = collection_factory("Dyn", vector_config=Configure.Vectors.self_provided(
        vector_index_config=Configure.VectorIndex.dynamic(
            hnsw=Configure.VectorIndex.hnsw(quantizer=Q.rq(bits=1)),
            flat=Configure.VectorIndex.flat(quantizer=Q.rq(bits=1)))))
    cfg = dynamic.config.get().vector_config["default"].vector_index_config
    assert (cfg.hnsw.quantizer.rescore_limit, cfg.flat.quantizer.rescore_limit) == (512, -1)


def test_pq_segments_are_not_checked_against_the_dimension(collection_factory):
    """Weaviate checks `dimensions % segments` only when it builds the PQ codebook (compression logs the failure,
    the request succeeded long before), so the schema takes any segment count."""
    col = _hnsw(collection_factory, Q.pq(segments=7))
    col.data.insert({}, vector=[0.1] * 48)
    assert _quantizer(col).segments == 7
    _update(col, R.pq(segments=5))
    assert _quantizer(col).segments == 5


# ---------------------------------------------------------------------------------------------- create
def test_create_refuses_with_weaviates_messages(collection_factory, rest):
    name = collection_factory().name + "X"
    two = {"pq": {"enabled": True}, "bq": {"enabled": True}}
    cases = [
        ({"vectorIndexConfig": two}, f"class.VectorIndexConfig can not parse: {TWO}"),
        ({"vectorConfig": {"v": {"vectorizer": {"none": {}}, "vectorIndexConfig": {
            "rq": {"enabled": True}, "sq": {"enabled": True}}}}},
         f'target vector "v": parse vector index config: {TWO}'),
        ({"vectorIndexConfig": {"pq": {"enabled": True, "encoder": {"type": "lloyd"}}}},
         "class.VectorIndexConfig can not parse: invalid encoder type lloyd"),
        ({"vectorIndexType": "flat", "vectorIndexConfig": {"bq": {"enabled": True}, "rq": {"enabled": True}}},
         "class.VectorIndexConfig can not parse: cannot enable multiple quantization methods at the same time"),
        ({"vectorIndexType": "flat", "vectorIndexConfig": {"bq": {"cache": True}}},
         "class.VectorIndexConfig can not parse: not possible to use the cache without compression"),
        ({"vectorIndexType": "flat", "vectorIndexConfig": {"pq": {"enabled": True}}},
         "class.VectorIndexConfig can not parse: PQ is not currently supported for flat indices"),
        ({"vectorIndexType": "flat", "vectorIndexConfig": {"sq": {"enabled": True}}},
         "class.VectorIndexConfig can not parse: SQ is not currently supported for flat indices"),
    ]
    for extra, message in cases:
        assert _post(rest, {"class": name, **extra}) == (422, message)
    assert rest.get(f"/v1/schema/{name}").status_code == 404


@pytest.mark.parametrize("index, bits, message", [
    ("hnsw", 2, "RQ bits must be 8, 4 or 1"),
    ("flat", 4, "RQ bits must be either 1 or 8"),
])
def test_create_refuses_rq_bits_the_index_cannot_encode(client, collection_name, index, bits, message):
    config = getattr(Configure.VectorIndex, index)(quantizer=Q.rq(bits=bits))
    with pytest.raises(UnexpectedStatusCodeError) as info:
        client.collections.create(collection_name, vector_config=Configure.Vectors.self_provided(
            vector_index_config=config))
    assert info.value.status_code == 422
    assert f'target vector "default": parse vector index config: {message}' in info.value.message
    assert not client.collections.exists(collection_name)


# ---------------------------------------------------------------------------------------------- update
def test_rq_bits_are_immutable_once_enabled(collection_factory):
    col = _hnsw(collection_factory, Q.rq(bits=8))
    shard = col.config.get_shards()[0].name
    message = _refused(col, R.rq(bits=1))
    assert (f'{DB}vector index configs update: shard "{shard}": rq bits is immutable: attempted change from "8" '
            f'to "1"') in message
    q = _quantizer(col)
    assert (q.bits, q.rescore_limit) == (8, 20)                              # nothing changed
    _update(col, R.rq(bits=8, rescore_limit=64))                              # same bits: fine
    assert _quantizer(col).rescore_limit == 64


def test_enabling_rq_with_bits_hnsw_cannot_encode(collection_factory):
    col = _hnsw(collection_factory)
    shard = col.config.get_shards()[0].name
    assert (f'{DB}vector index configs update: shard "{shard}": RQ bits must be 8, 4 or 1'
            in _refused(col, R.rq(bits=3)))
    assert _quantizer(col) is None
    _update(col, R.rq(bits=1))                                                # enabling 1-bit RQ later is fine
    q = _quantizer(col)
    assert (q.bits, q.rescore_limit) == (1, 20)     # the GET body carried rescoreLimit 20, so no 512 default


def test_legacy_vector_rq_bits_and_two_quantizers(client, collection_factory, rest):
    name = collection_factory().name + "Legacy"
    client.collections.delete(name)
    client.collections.create_from_dict({"class": name, "vectorizer": "none",
                                         "vectorIndexConfig": {"rq": {"enabled": True, "bits": 1}}})
    try:
        shard = client.collections.get(name).config.get_shards()[0].name
        assert _put(rest, name, lambda b: b["vectorIndexConfig"]["rq"].update(bits=8)) == (
            422, f'{DB}vector index config update: shard {shard}: rq bits is immutable: attempted change from "1" '
                 'to "8"')
        assert _put(rest, name, lambda b: b["vectorIndexConfig"]["bq"].update(enabled=True)) == (
            422, f"{PARSE}parse vector index config: parse vector index config: {TWO}")
        assert _put(rest, name, lambda b: b["vectorIndexConfig"]["rq"].update(rescoreLimit=99)) == (200, "")
        assert rest.get(f"/v1/schema/{name}").json()["vectorIndexConfig"]["rq"] == {
            "enabled": True, "bits": 1, "rescoreLimit": 99}
    finally:
        client.collections.delete(name)


def test_two_quantizers_on_update(collection_factory, rest):
    col = _hnsw(collection_factory, Q.bq())

    def both(b):
        b["vectorConfig"]["default"]["vectorIndexConfig"]["pq"]["enabled"] = True
    assert _put(rest, col.name, both) == (
        422, f"{PARSE}parse vector config for default: parse vector index config: {TWO}")
    assert type(_quantizer(col)).__name__ == "_BQConfig"


def test_switching_quantizers_is_refused_by_the_client(collection_factory):
    col = _hnsw(collection_factory, Q.bq())
    with pytest.raises(WeaviateInvalidInputError, match="to change its quantizer"):
        _update(col, R.rq())
    assert type(_quantizer(col)).__name__ == "_BQConfig"


def test_what_weaviate_accepts_on_update(collection_factory, rest):
    """Weaviate's schema validation has no rule for these: rescoreLimit and the PQ/SQ settings may change, a
    quantizer may be disabled, and (raw REST) another may be enabled once the old one is disabled."""
    sq = _hnsw(collection_factory, Q.sq(training_limit=1000), "Sq")
    _update(sq, R.sq(rescore_limit=40, training_limit=2000))
    q = _quantizer(sq)
    assert (q.rescore_limit, q.training_limit) == (40, 2000)
    pq = _hnsw(collection_factory, Q.pq(), "Pq")
    _update(pq, R.pq(segments=8, centroids=128, training_limit=500))
    q = _quantizer(pq)
    assert (q.segments, q.centroids, q.training_limit) == (8, 128, 500)
    rq = _hnsw(collection_factory, Q.rq(bits=8), "Rq")
    _update(rq, R.rq(enabled=False))
    assert _quantizer(rq) is None

    def swap(b):
        cfg = b["vectorConfig"]["default"]["vectorIndexConfig"]
        cfg["pq"]["enabled"], cfg["sq"]["enabled"] = False, True
    assert _put(rest, pq.name, swap) == (200, "")
    assert type(_quantizer(pq)).__name__ == "_SQConfig"


def test_multi_tenant_rq_bits_change(collection_factory):
    col = _hnsw(collection_factory, Q.rq(bits=8), multi_tenancy_config=Configure.multi_tenancy(enabled=True))
    assert (f'{DB}vector index configs update: rq bits is immutable: attempted change from "8" to "4"'
            in _refused(col, R.rq(bits=4)))
