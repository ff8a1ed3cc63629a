"""Wire adapters: REST, gRPC, and the composition root that starts them. No search logic lives here."""
import warnings

# weaviate-client (whose generated gRPC modules we serve) imports authlib, which warns about httpx at import
# time and installs an "always" filter for its warning class when imported. The warning concerns the client's
# HTTP stack, not ours, so silence that one message, after authlib's filter so ours takes precedence.
try:
    import authlib.deprecate  # noqa: F401
except ImportError:  # pragma: no cover - authlib is a weaviate-client dependency
    pass
warnings.filterwarnings("ignore", message="The httpx module is deprecated")

from . import generated_proto  # noqa: E402 - after the warning filters above

generated_proto.load()
