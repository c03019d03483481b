"""normalise: multilingual news articles in, one sentence-aligned English corpus out.

The public API (see docs/api.md)::

    import normalise
    for doc in normalise.normalise(["Il governo ha approvato la legge."], models_dir="models"):
        print(doc.lang, doc.status, doc.text)

Names are imported on first use, so that ``import normalise`` (and the CLI's start-up) stays
light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {
    "normalise": "api",
    "make_settings": "api",
    "Pipeline": "stages.pipeline",
    "Settings": "settings",
    "Document": "record",
    "Status": "record",
    "InputRecord": "inputs.files",
    "export": "outputs",
    "RunReport": "run.report",
}
__all__ = ["__version__", *_PUBLIC]

if TYPE_CHECKING:
    from .api import make_settings as make_settings
    from .api import normalise as normalise
    from .inputs.files import InputRecord as InputRecord
    from .outputs import export as export
    from .record import Document as Document
    from .record import Status as Status
    from .run.report import RunReport as RunReport
    from .settings import Settings as Settings
    from .stages.pipeline import Pipeline as Pipeline


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'normalise' has no attribute {name!r}")
    value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value
