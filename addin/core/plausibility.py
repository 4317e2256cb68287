"""Magnitude checks: an amount that cannot be in the workbook's 金额单位.

A clerk who copies one row from a ledger kept in 元 into a 万元 workbook gets figures 10,000
times too large, which every sum and share then carries (a 采购总额 larger than the whole
budget, an 执行率 moved by a hundredth). Nothing contradicts itself, so these are warnings that
name the cell; the figures are computed as typed. Only an amount near a unit factor away from
what it is compared with (at least ``UNIT_RATIO`` = 5000 times: dividing by 10,000 makes it fit)
is called "疑似按元填写 … 请换算"; an amount merely larger than the department's figure may be
right (a 3-year contract entered at its 合同总额, a project with money from other years) and is
named with a neutral "请核实":

* a budget unit's amount at least 5000 times the median of the other units' in its column, or
  a 年初预算数 5000 times its own 全年预算数 (or the other way round); a large 本级 beside small
  schools (1000-odd times their median) is an ordinary department and gets nothing;
* a contract, or a 采购汇总 category (or its 合计), larger than the department's 全年执行数
  (全年预算数 when nothing was executed): procurement is part of the department's spending;
  a unit slip when it is 5000 times that figure or the median of the other contracts
  (categories);
* the procurement total larger than it, when no single amount already says so;
* a project's fund row (项目资金) whose 全年预算数 is larger than the department's 全年预算数:
  a unit slip when 5000 times that figure or the median of the other projects' fund rows.

Plain Decimal over the model; the reader's interpretations (a number format that shows 元 as
万元) are the contract layer's.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from decimal import Decimal

from .amount_pair import amount_pair
from .budget import BudgetFigures
from .findings import Findings
from .model import BudgetLine, ContractLedger, ProcurementSummary
from .project_model import ProjectFund

__all__ = ["UNIT_RATIO", "check_magnitudes", "suspected_unit"]

# 元 in a 万元 workbook (万元 in a 亿元 one) is 10,000 times too large; half of it leaves room for
# a row whose other amounts are small, and stays far above a large unit beside small ones (~1000×).
UNIT_RATIO = Decimal(5000)
# A part of the department's money (a contract, a project) at most a few years of its spending
# is a multi-year amount; a hundred years of it is a unit slip.
YEARS_RATIO = Decimal(100)


_ONE = "如是，请换算"  # an amount on its own
_ROW = "如是，请换算该行各金额"  # a budget unit: its other amounts were probably typed alike
_CHECK = "请核实金额及金额单位"  # larger than the department's figure, but not by a unit factor


def _slip(value: Decimal, whole: Decimal, peers: Decimal) -> bool:
    """Whether ``value``, above the department's ``whole`` (全年执行数 or 全年预算数), is a unit
    slip: ``YEARS_RATIO`` times ``whole`` (no contract or project runs a hundred years of the
    department's spending; a 元 amount that belongs in 万元 is 10,000 times its true value,
    itself a part of ``whole``) or ``UNIT_RATIO`` times ``peers`` (the median of the other
    contracts, categories or projects; 0 when there is none)."""
    return value >= YEARS_RATIO * whole or (peers > 0 and value >= UNIT_RATIO * peers)


def _median(values: Sequence[Decimal]) -> Decimal:
    """The plain median of ``values`` (0 when empty: nothing to compare with)."""
    return statistics.median(values) if values else Decimal(0)


def suspected_unit(unit: str) -> str:
    """What the clerk probably did, for a workbook in ``unit``."""
    if unit == "万元":
        return "疑似按元填写，本表金额单位为万元（元 ÷ 10000 = 万元）"
    if unit == "亿元":
        return "疑似按元或万元填写，本表金额单位为亿元（万元 ÷ 10000 = 亿元）"
    return f"疑似金额单位有误，本表金额单位为{unit or '基本信息中的金额单位'}"


def _say(
    findings: Findings,
    code: str,
    words: tuple[str, str, str],
    pair: tuple[Decimal, Decimal],
    unit: str,
    where: str,
    advice: str,
    *,
    slip: bool = True,
) -> None:
    """One magnitude warning: the two amounts of ``pair`` as shown, after ``words[0]`` and
    ``words[1]``, then ``words[2]``, the suspected unit (a ``slip``: a unit factor off) and
    ``advice``; without ``slip``, ``advice`` alone (a neutral 请核实)."""
    shown = amount_pair(*pair, unit)
    text = f"{words[0]}{shown.first}{words[1]}{shown.second}{words[2]}"
    said = f"{suspected_unit(unit)}；{advice}" if slip else advice
    findings.warning(code, f"{text}：{said}", where)


def _median_without(ordered: Sequence[Decimal], k: int) -> Decimal:
    """The median of ``ordered`` (sorted) without its element at ``k``: O(1), so every unit of
    a department of hundreds is compared with the others in one sort per column."""
    size = len(ordered) - 1

    def at(j: int) -> Decimal:  # the j-th of the others
        return ordered[j if j < k else j + 1]

    middle = size // 2
    return at(middle) if size % 2 else (at(middle - 1) + at(middle)) / 2


_COLUMNS = (("全年预算数", "total"), ("年初预算数", "initial"), ("执行数", "executed"), ("支出数", "spent"))


def _units(lines: Sequence[BudgetLine], unit: str, findings: Findings) -> None:
    """A unit's amount ≥ 5000 × the median of the other units' in its column (at least one
    other, above 0), or a 年初预算数 5000 times its own 全年预算数 (or the other way round: a
    budget is not adjusted a thousandfold; with one unit, as project forms have, this is the
    only comparison). One warning per unit, at the first such cell."""
    outliers = _unit_outliers(lines)
    for i, line in enumerate(lines):
        found = outliers.get(i) or _initial_outlier(line)
        if found is None:
            continue
        column, value, against, label = found
        _say(
            findings,
            "plausibility_unit_magnitude",
            (f"单位“{line.name}”{column} ", f"是{label} ", "的 5000 倍以上"),
            (value, against),
            unit,
            line.where.cell(column),
            _ROW,
        )


def _unit_outliers(lines: Sequence[BudgetLine]) -> dict[int, tuple[str, Decimal, Decimal, str]]:
    """By unit index: its first amount ≥ 5000 × the median of the other units' in that column."""
    found: dict[int, tuple[str, Decimal, Decimal, str]] = {}
    for column, attr in _COLUMNS:
        given = [(v, i) for i, line in enumerate(lines) if (v := getattr(line, attr)) is not None]
        if len(given) < 2:
            continue
        given.sort(key=lambda pair: pair[0])
        ordered = [v for v, _ in given]
        for k, (value, i) in enumerate(given):
            median = _median_without(ordered, k)
            if i not in found and median > 0 and value >= UNIT_RATIO * median:
                found[i] = (column, value, median, f"其他单位{column}中位数")
    return found


def _initial_outlier(line: BudgetLine) -> tuple[str, Decimal, Decimal, str] | None:
    initial, total = line.initial, line.total
    if initial is None or initial <= 0 or total <= 0:
        return None
    if initial >= UNIT_RATIO * total:
        return "年初预算数", initial, total, "本单位全年预算数"
    if total >= UNIT_RATIO * initial:
        return "全年预算数", total, initial, "本单位年初预算数"
    return None


def _reference(budget: BudgetFigures) -> tuple[Decimal, str] | None:
    """The department's 全年执行数, or 全年预算数 when nothing was executed; None without either."""
    dept = budget.department
    if dept.executed > 0:
        return dept.executed, "全年执行数"
    if dept.total > 0:
        return dept.total, "全年预算数"
    return None


def _ledger(ledger: ContractLedger, limit: Decimal, label: str, unit: str, findings: Findings) -> bool:
    if not len(ledger) or max(ledger.amounts) <= limit:
        return False  # the common case, settled in C
    over = [i for i, amount in enumerate(ledger.amounts) if amount > limit]
    amounts = list(ledger.amounts)
    # One sort: a ledger of thousands with many contracts above the limit stays linear-ish.
    order = sorted(range(len(amounts)), key=amounts.__getitem__)
    ordered = [amounts[i] for i in order]
    rank = {i: k for k, i in enumerate(order)}
    others = {i: _median_without(ordered, rank[i]) if len(ordered) > 1 else Decimal(0) for i in over}
    slips = [i for i in over if _slip(amounts[i], limit, others[i])]
    slipped = set(slips)
    larger = [i for i in over if i not in slipped]
    code = "plausibility_contract_exceeds_budget"
    for named in (slips, larger):
        if not named:
            continue
        more = f"（共 {len(named)} 份合同如此）" if len(named) > 1 else ""
        where = ledger.where(named[0]).cell("合同金额")
        words = ("合同金额 ", f"超过本部门{label} ", more)
        if named is slips:
            _say(findings, code, words, (amounts[named[0]], limit), unit, where, _ONE)
        else:
            why = f"请核实（跨年度合同按合同总额填写时可能如此；否则{_CHECK}）"
            _say(findings, code, words, (amounts[named[0]], limit), unit, where, why, slip=False)
    return True


def _summary(summary: ProcurementSummary, limit: Decimal, label: str, unit: str, findings: Findings) -> bool:
    found = False
    rows = [(f"{line.category}类", line) for line in summary.lines]
    if summary.declared_total is not None:
        rows.append(("合计行", summary.declared_total))
    categories = [line.amount for line in summary.lines]
    for k, (name, line) in enumerate(rows):
        if line.amount > limit:
            found = True
            where = line.where.cell("支出金额")
            words = (f"{name}支出金额 ", f"超过本部门{label} ", "")
            code = "plausibility_category_exceeds_budget"
            others = _median(categories[:k] + categories[k + 1 :]) if k < len(categories) else Decimal(0)
            if _slip(line.amount, limit, others):
                _say(findings, code, words, (line.amount, limit), unit, where, _ONE)
            else:
                _say(findings, code, words, (line.amount, limit), unit, where, _CHECK, slip=False)
    return found


def _funds(funds: Sequence[ProjectFund], whole: Decimal, unit: str, findings: Findings) -> None:
    """Each project's first fund row above the department's 全年预算数 (the 合计 row over every
    project is the reader's, never here)."""
    named: set[str] = set()
    for fund in funds:
        if whole > 0 and fund.total > whole and fund.project not in named:
            named.add(fund.project)
            where = fund.where.cell("全年预算数")
            words = (f"项目“{fund.project}”{fund.source}全年预算数 ", "超过本部门全年预算数 ", "")
            code = "plausibility_project_exceeds_budget"
            others = _median([other.total for other in funds if other.project != fund.project])
            if _slip(fund.total, whole, others):
                _say(findings, code, words, (fund.total, whole), unit, where, "如是，请换算该项目的各金额")
            else:
                why = f"请核实（项目资金含跨年度或其他来源的资金时可能如此；否则{_CHECK}）"
                _say(findings, code, words, (fund.total, whole), unit, where, why, slip=False)


def check_magnitudes(
    lines: Sequence[BudgetLine],
    budget: BudgetFigures,
    ledger: ContractLedger | None,
    summary: ProcurementSummary | None,
    procurement_total: Decimal | None,
    unit: str,
    findings: Findings,
    *,
    complete_budget: bool = True,
    funds: Sequence[ProjectFund] = (),
) -> None:
    """Every magnitude warning of the module docstring, into ``findings`` (amounts in ``unit``).
    Without ``complete_budget`` (rows of 预算执行 failed to read) the department's 全年执行数 is
    not known, and only the units that did read are compared."""
    _units(lines, unit, findings)
    reference = _reference(budget) if complete_budget else None
    if reference is None:
        return
    _funds(funds, budget.department.total, unit, findings)
    limit, label = reference
    named = False
    if ledger is not None and len(ledger):
        named = _ledger(ledger, limit, label, unit, findings)
    elif summary is not None:
        named = _summary(summary, limit, label, unit, findings)
    if not named and procurement_total is not None and procurement_total > limit:
        if ledger is not None and len(ledger):
            where = ledger.table.header("合同金额")
        else:
            where = "" if summary is None else summary.table.header("支出金额")
        pair = (procurement_total, limit)
        words = ("政府采购支出总额 ", f"超过本部门{label} ", "")
        code = "plausibility_procurement_exceeds_budget"
        if _slip(procurement_total, limit, Decimal(0)):
            _say(findings, code, words, pair, unit, where, "请核对各项金额")
        else:
            _say(findings, code, words, pair, unit, where, f"请核实（{_CHECK}）", slip=False)
