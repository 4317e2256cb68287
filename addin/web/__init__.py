"""The web door (``python -m addin serve``): a page and an HTTP API over the same core, layout
and files as the other doors, for clerks without Python or Excel+xlwings (WPS, 信创 machines)
and for a finance bureau hosting one service for its departments (DESIGN.md, "Web door").

This package imports the core, the reader, the headless functions and the report layout;
none of them imports it.
"""

from .app import create_app
from .config import WebConfig

__all__ = ["WebConfig", "create_app"]
