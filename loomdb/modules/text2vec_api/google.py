"""text2vec-google: Vertex AI `:predict` or Google AI Studio `:batchEmbedContents`, chosen by apiEndpoint as
Weaviate does (S modules/text2vec-google/clients/google.go, vectorizer/class_settings.go, apikey/google.go)."""
from __future__ import annotations

from typing import Any

from loomdb.entities.errors import InvalidInput, UpstreamFailure
from loomdb.modules.capabilities import ModuleRequest, Settings
from loomdb.modules.upstream import post_json, status_wording

from .common import ApiVectorizer, setting

VERTEX_ENDPOINT = "us-central1-aiplatform.googleapis.com"
STUDIO_ENDPOINT = "generativelanguage.googleapis.com"
VERTEX_DEFAULT_MODEL = "textembedding-gecko@001"
STUDIO_DEFAULT_MODEL = "embedding-001"
VERTEX_MODELS = [
    "textembedding-gecko@001", "textembedding-gecko@latest", "textembedding-gecko-multilingual@latest",
    "textembedding-gecko@003", "textembedding-gecko@002", "textembedding-gecko-multilingual@001",
    "textembedding-gecko@001", "text-embedding-preview-0409", "text-multilingual-embedding-preview-0409",
    "gemini-embedding-001", "text-embedding-005", "text-multilingual-embedding-002",
]
STUDIO_MODELS = ["embedding-001", "text-embedding-004", "gemini-embedding-001", "text-embedding-005",
                 "text-multilingual-embedding-002"]
KEY_HEADERS = {True: "X-Goog-Studio-Api-Key", False: "X-Goog-Vertex-Api-Key"}
KEY_HEADERS_OLD = {True: "X-Google-Studio-Api-Key", False: "X-Google-Vertex-Api-Key"}
MISSING_KEY = ("Google API Key: no api key found neither in request header: X-Palm-Api-Key or X-Google-Api-Key or "
               "X-Google-Vertex-Api-Key or X-Google-Studio-Api-Key nor in environment variable under PALM_APIKEY "
               "or GOOGLE_APIKEY")


_wording = status_wording("connection to Google", "error.message")


def _key(request: ModuleRequest, studio: bool) -> str:
    for header in (KEY_HEADERS[studio], KEY_HEADERS_OLD[studio], "X-Goog-Api-Key", "X-Google-Api-Key",
                   "X-Palm-Api-Key"):
        if value := request.header(header):
            return value
    key = request.env.get("GOOGLE_APIKEY") or request.env.get("PALM_APIKEY")
    if key:
        return key
    raise UpstreamFailure(MISSING_KEY)


class GoogleVectorizer(ApiVectorizer):
    name = "text2vec-google"
    meta_name = "Google PaLM Module"
    documentation = "https://cloud.google.com/vertex-ai/docs/generative-ai/embeddings/get-text-embeddings"
    defaults = {"vectorizeClassName": False}

    @staticmethod
    def _endpoint(settings: Settings) -> str:
        return str(setting(settings, "apiEndpoint", default=VERTEX_ENDPOINT))

    def _studio(self, settings: Settings) -> bool:
        return self._endpoint(settings) == STUDIO_ENDPOINT

    def _model(self, settings: Settings) -> str:
        default = STUDIO_DEFAULT_MODEL if self._studio(settings) else VERTEX_DEFAULT_MODEL
        return str(setting(settings, "modelId", "model", default=default))

    def validate(self, settings: Settings) -> None:
        model, problems = self._model(settings), []
        if self._studio(settings):
            if model and model not in STUDIO_MODELS:
                problems.append(f"wrong modelId available AI Studio model names are: [{' '.join(STUDIO_MODELS)}]")
        else:
            if not setting(settings, "projectId"):
                problems.append("projectId cannot be empty")
            if model and model not in VERTEX_MODELS:
                problems.append(f"wrong modelId available model names are: [{' '.join(VERTEX_MODELS)}]")
        if problems:
            raise InvalidInput(", ".join(problems))

    def batch_limit(self, settings: Settings) -> int:
        """AI Studio: 100 requests per batch; Vertex: 250 instances, 5 for the gecko models."""
        if self._studio(settings):
            return 100
        return 5 if "gecko" in self._model(settings) else 250

    def _origin(self, settings: Settings, request: ModuleRequest) -> str:
        """https://<apiEndpoint>, or (a loomdb addition, for local stand-ins) an apiEndpoint that names its scheme
        or an X-Goog-Baseurl header."""
        override = request.header("X-Goog-Baseurl") or request.header("X-Google-Baseurl")
        if override:
            return override.rstrip("/")
        endpoint = self._endpoint(settings)
        return endpoint.rstrip("/") if "://" in endpoint else f"https://{endpoint}"

    def embed(self, texts: list[str], settings: Settings, request: ModuleRequest, *, query: bool
              ) -> list[list[float]]:
        studio, model = self._studio(settings), self._model(settings)
        task = "RETRIEVAL_QUERY" if query else "RETRIEVAL_DOCUMENT"
        dimensions = setting(settings, "dimensions")
        key = _key(request, studio)
        origin = self._origin(settings, request)
        if studio:
            requests: list[dict[str, Any]] = []
            for text in texts:
                one: dict[str, Any] = {"model": f"models/{model}", "content": {"parts": [{"text": text}]},
                                       "task_type": task}
                if dimensions is not None:
                    one["outputDimensionality"] = int(dimensions)
                requests.append(one)
            reply = post_json(request, f"{origin}/v1/models/{model}:batchEmbedContents", {"requests": requests},
                              {"x-goog-api-key": key}, _wording)
            return [item.get("values") or [] for item in reply.get("embeddings") or []]
        plain = model.endswith("@001")      # the first gecko takes no task type
        body: dict[str, Any] = {"instances": [{"content": text} if plain else {"content": text, "task_type": task}
                                              for text in texts]}
        if dimensions is not None:
            body["parameters"] = {"outputDimensionality": int(dimensions)}
        project = setting(settings, "projectId", default="")
        url = f"{origin}/v1/projects/{project}/locations/us-central1/publishers/google/models/{model}:predict"
        reply = post_json(request, url, body, {"Authorization": f"Bearer {key}"}, _wording)
        return [item["embeddings"]["values"] for item in reply.get("predictions") or []]
