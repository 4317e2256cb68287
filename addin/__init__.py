"""部门整体支出绩效自评: figures, checks and the report, from a department's workbook.

The public surface is small and locked (tests/test_public_api.py):

* ``evaluate_file(path)`` → ``Evaluation`` (every figure and finding of a workbook file)
* ``generate(workbook, output=None, data_from=None)`` writes 自评报告 and 校验结果
* ``evaluate(data)`` for data already in the core model
* the exception tree of ``addin.errors`` (see its docstring)
"""

from .core import DepartmentData, Evaluation, Finding, Findings, Severity, evaluate
from .errors import AddinError, DataErrors, UnusableInput, WorkbookBusy
from .headless import GenerateResult, demo, evaluate_file, generate

__version__ = "0.1.0"

__all__ = [
    "AddinError",
    "DataErrors",
    "DepartmentData",
    "Evaluation",
    "Finding",
    "Findings",
    "GenerateResult",
    "Severity",
    "UnusableInput",
    "WorkbookBusy",
    "__version__",
    "demo",
    "evaluate",
    "evaluate_file",
    "generate",
]
