"""generative-openai: chat completions on OpenAI, Azure OpenAI, or any OpenAI-compatible server (baseURL)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest
from ..upstream import api_key, base_url, post_json, status_wording
from .common import Params, ProviderGenerative, chat_body, usage

DEFAULT_MODEL = "gpt-5-mini"
DEFAULT_BASE_URL = "https://api.openai.com"
DEFAULT_AZURE_API_VERSION = "2024-02-01"
# class / request setting -> request body field, sent only when set
_BODY_FIELDS = {"temperature": "temperature", "topP": "top_p", "frequencyPenalty": "frequency_penalty",
                "presencePenalty": "presence_penalty", "stop": "stop", "n": "n",
                "reasoningEffort": "reasoning_effort", "verbosity": "verbosity"}


class OpenAIGenerative(ProviderGenerative):
    name = "generative-openai"
    meta_name = "OpenAI Module"
    documentation = "https://platform.openai.com/docs/api-reference/chat"

    def complete(self, prompt: str, params: Params, request: ModuleRequest, images: Sequence[str]) -> Generated:
        resource = request.header("x-azure-resource-name") or params.get("resourceName")
        deployment = request.header("x-azure-deployment-id") or params.get("deploymentId")
        azure = bool(params.get("isAzure")) or bool(resource and deployment)
        model = params.get("model") or DEFAULT_MODEL
        body = chat_body(params, DEFAULT_MODEL, _BODY_FIELDS, _content(prompt, images))
        if azure:
            del body["model"]       # the deployment names it
        if params.get("maxTokens") is not None:
            body["max_tokens" if model.startswith("gpt-4o") or azure else "max_completion_tokens"] = \
                int(params["maxTokens"])
        if azure:
            host = base_url(request, None, params.get("baseURL"), "")
            if not host or host == DEFAULT_BASE_URL:
                host = f"https://{resource}.openai.azure.com"
            version = params.get("apiVersion") or DEFAULT_AZURE_API_VERSION
            url = f"{host}/openai/deployments/{deployment}/chat/completions?api-version={version}"
            headers = {"api-key": api_key(request, "X-Azure-Api-Key", "AZURE_APIKEY")}
        else:
            url = base_url(request, "X-Openai-Baseurl", params.get("baseURL"), DEFAULT_BASE_URL) + \
                "/v1/chat/completions"
            headers = {"Authorization": f"Bearer {api_key(request, 'X-Openai-Api-Key', 'OPENAI_APIKEY')}"}
            organization = request.header("x-openai-organization") or request.env.get("OPENAI_ORGANIZATION")
            if organization:
                headers["OpenAI-Organization"] = organization
        endpoint = "Azure OpenAI API" if azure else "OpenAI API"
        reply = post_json(request, url, body, headers, status_wording(f"connection to: {endpoint}", "error.message"))
        text = str(reply["choices"][0]["message"].get("content") or "").strip("\n")
        return Generated(text, usage(reply))


def _content(prompt: str, images: Sequence[str]) -> Any:
    """The user message: the prompt alone, or text + base64 JPEG images as OpenAI's content parts."""
    if not images:
        return prompt
    return [{"type": "text", "text": prompt}] + [
        {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{image}"}} for image in images]
