"""The computation core: plain Python and Decimal, no Excel, shared by every door."""

from .evaluation import Evaluation, evaluate
from .findings import Finding, Findings, Severity
from .model import DepartmentData

__all__ = ["DepartmentData", "Evaluation", "Finding", "Findings", "Severity", "evaluate"]
