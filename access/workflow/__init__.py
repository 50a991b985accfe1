"""The one workflow engine (DESIGN.md "access/ ... workflow/").

- ``table``: every workflow's states, moves, verbs and what happens when its file goes;
- ``engine``: ``transition`` (the only code that changes a workflow's state), and
  ``available_actions`` / ``require_action`` (what a person may do now, for pages and services);
- ``files``: ``open_workflows`` on a file and ``close_for_files`` when it is destroyed,
  restricted or handed over.
"""

from access.workflow.engine import (
    available_actions,
    check_state,
    is_open,
    machine_of,
    require_action,
    transition,
    workflow_key,
)
from access.workflow.files import (
    OpenWorkflow,
    Planned,
    close_for_files,
    open_workflows,
    plan_for_files,
)
from access.workflow.table import Cause, OnFile

__all__ = [
    "Cause",
    "OnFile",
    "OpenWorkflow",
    "Planned",
    "available_actions",
    "check_state",
    "close_for_files",
    "is_open",
    "machine_of",
    "open_workflows",
    "plan_for_files",
    "require_action",
    "transition",
    "workflow_key",
]
