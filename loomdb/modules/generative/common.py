"""What the generative modules that call a provider share: meta, the request's provider options over the class's
module settings, settings renamed to a provider's body fields, the one-user-message chat body, and the usage a
reply reports. Each module keeps its own URL, headers, body extras and reply parsing: there the providers differ."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..capabilities import Generated, ModuleRequest, Settings
from ..upstream import ErrorWording, api_key, base_url, post_json

Params = Mapping[str, Any]      # the merged settings and options of one generate call


def merged(settings: Settings, options: Settings) -> dict[str, Any]:
    """The class's module settings with the request's provider options on top (None = not given)."""
    out = {k: v for k, v in settings.items() if v is not None}
    out.update({k: v for k, v in options.items() if v is not None})
    return out


def renamed(params: Params, fields: Mapping[str, str]) -> dict[str, Any]:
    """The parameters `fields` names (setting -> body field), under the provider's names, only those set."""
    return {wire: params[key] for key, wire in fields.items() if params.get(key) is not None}


def chat_body(params: Params, default_model: str, fields: Mapping[str, str], content: Any
              ) -> dict[str, Any]:
    """{"model", "messages": [one user message], <renamed fields>}: the body of a chat call (OpenAI's chat
    completions, Mistral's, Cohere's v2 chat, Anthropic's messages)."""
    return {"model": params.get("model") or default_model, "messages": [{"role": "user", "content": content}],
            **renamed(params, fields)}


def usage(reply: Mapping[str, Any], field: str = "usage") -> dict[str, Any] | None:
    """The reply's token usage as the generative metadata ({"usage": {...}}), None when it reports none."""
    reported = reply.get(field)
    return {field: reported} if isinstance(reported, dict) else None


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@dataclass(frozen=True)
class ChatEndpoint:
    """Where a provider's chat API is and how it is keyed: POST <base URL><path>, the base URL from the
    `base_url_header` header, else the "baseURL" parameter, else the default; the key as `auth` sends it."""
    path: str
    default_base_url: str
    base_url_header: str
    key_header: str
    key_env: str
    wording: ErrorWording
    auth: Callable[[str], dict[str, str]] = bearer

    def call(self, request: ModuleRequest, params: Params, body: Mapping[str, Any]) -> Any:
        """The decoded reply of one chat call."""
        headers = self.auth(api_key(request, self.key_header, self.key_env))
        url = base_url(request, self.base_url_header, params.get("baseURL"), self.default_base_url) + self.path
        return post_json(request, url, body, headers, self.wording)


class ProviderGenerative:
    """Base of the generative modules that call a provider: meta from class attributes, and generate() with the
    request's options merged over the class's settings. A subclass sets its class attributes and implements
    `complete`."""
    name: str = ""
    meta_name: str = ""
    documentation: str = ""

    def meta(self) -> dict[str, Any]:
        return {"documentationHref": self.documentation, "name": self.meta_name}

    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        return self.complete(prompt, merged(settings, options), request, images)

    def complete(self, prompt: str, params: Params, request: ModuleRequest, images: Sequence[str]) -> Generated:
        """One provider call for `prompt` (and base64 JPEG `images`) with the merged parameters."""
        raise NotImplementedError
