"""The in-process local model (text2vec-transformers / text2vec-contextionary: all-MiniLM-L6-v2 from the
`loomdb[local]` extra) end to end through the official client: vectors on insert, near_text by meaning, text-only
hybrid, and the same vector for a query as for the identical stored text."""
from __future__ import annotations

import numpy as np
import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject
from weaviate.classes.query import MetadataQuery

pytest.importorskip("onnxruntime", reason='the local model extra is not installed: pip install "loomdb[local]"')
pytestmark = pytest.mark.loomdb_only("the local model runs inside loomdb")

DOCS = ["A man is eating a piece of bread.", "A cheetah is running behind its prey.",
        "The new movie is awesome.", "A woman is playing the violin.", "The stock market fell sharply today."]


@pytest.mark.filterwarnings("ignore:The contextionary model is old:DeprecationWarning")   # the client's own note
@pytest.mark.parametrize("module", ["transformers", "contextionary"])
def test_near_text_ranks_by_meaning(collection_factory, module):
    vectorizer = (Configure.Vectors.text2vec_transformers(vectorize_collection_name=False)
                  if module == "transformers" else
                  Configure.Vectors.text2vec_contextionary(vectorize_collection_name=False))
    col = collection_factory(properties=[Property(name="text", data_type=DataType.TEXT)], vector_config=vectorizer)
    res = col.data.insert_many([DataObject(properties={"text": t}) for t in DOCS])
    assert not res.errors
    cases = {"someone has a meal": DOCS[0], "a fast animal hunting": DOCS[1], "a great film": DOCS[2],
             "music performance": DOCS[3], "finance news": DOCS[4]}
    for query, expected in cases.items():
        top = col.query.near_text(query, limit=1, return_metadata=MetadataQuery(distance=True)).objects[0]
        assert top.properties["text"] == expected, query
    same = col.query.near_text(DOCS[3].lower() if module == "contextionary" else DOCS[3], limit=1,
                               return_metadata=MetadataQuery(distance=True), include_vector=True).objects[0]
    assert same.metadata.distance == pytest.approx(0.0, abs=2e-3)
    assert len(same.vector["default"]) == 384
    assert np.linalg.norm(same.vector["default"]) == pytest.approx(1.0, abs=1e-3)
    hybrid = col.query.hybrid("violin", limit=1).objects[0]
    assert hybrid.properties["text"] == DOCS[3]
