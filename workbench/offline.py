"""Nothing leaves the machine: every dependency's telemetry and network access turned off.

The workbench holds interview transcripts about children at risk. Some of the libraries it
stands on can reach the internet on their own: ONNX Runtime's official builds send usage
events to Microsoft and write a device id under ``~/.cache/Microsoft`` as soon as they are
imported; the Hugging Face libraries may fetch or ping the Hub; Streamlit's browser page
may report usage. Each documents a switch that must be set *before* the library first
initialises, so the switches are environment variables set when the ``workbench`` package
is first imported (``workbench/__init__.py`` calls :func:`apply` before anything else).
Every process the workbench starts inherits them: layout workers, the app's server, and
anything those start.

The switches are forced, not defaulted: a shell that sets ``ORT_DISABLE_TELEMETRY=0`` does
not turn telemetry back on inside the workbench. ``TELEMETRY`` is the list the README shows
researchers; a test checks that the two agree and that the switches hold in a fresh home
folder and in a network namespace where every name looked up is recorded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["ENVIRONMENT", "TELEMETRY", "Telemetry", "apply"]


@dataclass(frozen=True)
class Telemetry:
    """One dependency that could send something, what it could send, and how it is stopped."""

    package: str
    could_send: str
    turned_off_by: str


TELEMETRY: tuple[Telemetry, ...] = (
    Telemetry("onnxruntime",
              "usage events to Microsoft (a device id, the operating system, the CPU, the Python path, model "
              "file and graph names) and a device id written under ~/.cache/Microsoft/DeveloperTools",
              "ORT_DISABLE_TELEMETRY=1, set before ONNX Runtime initialises"),
    Telemetry("huggingface_hub, transformers, sentence-transformers",
              "model downloads and update checks from the Hugging Face Hub, with a user agent naming the "
              "libraries and their versions",
              "HF_HUB_OFFLINE=1, TRANSFORMERS_OFFLINE=1, HF_DATASETS_OFFLINE=1 and HF_HUB_DISABLE_TELEMETRY=1; "
              "the model is read from the installed package or a local folder"),
    Telemetry("streamlit",
              "the browser page's usage statistics; the server's external address looked up on the internet "
              "when it is not told which address to serve on",
              "STREAMLIT_BROWSER_GATHER_USAGE_STATS=false and browser.gatherUsageStats = false; the server "
              "binds to 127.0.0.1 (server.address in streamlit.toml), so it never looks up an external address"),
    Telemetry("any library that honours the convention",
              "anonymous usage analytics",
              "DO_NOT_TRACK=1"),
)

# The switches, applied with ``apply``. Values are strings, as the environment holds them.
ENVIRONMENT: dict[str, str] = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
}


def apply(environ: os._Environ[str] | dict[str, str] | None = None) -> None:
    """Set every switch in ``environ`` (the process's own environment by default).

    Idempotent and cheap: it runs once per process, on the first ``import workbench``.
    """
    target = os.environ if environ is None else environ
    for name, value in ENVIRONMENT.items():
        target[name] = value
