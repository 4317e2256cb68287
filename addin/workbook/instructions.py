"""The 使用说明 sheet (what to fill, in what order, and the four buttons) and xlwings.conf."""

from __future__ import annotations

from typing import TYPE_CHECKING

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .vba import MACRO_NAMES

if TYPE_CHECKING:
    from .builder import BuildOptions

__all__ = ["STEPS", "write_config_sheet", "write_instructions"]

STEPS = (
    "在“基本信息”表填写部门名称、评价年度、金额单位（万元、元或亿元）、小微占比口径和执行率口径"
    "（全年预算数或年初预算数，默认全年预算数）。",
    "在“预算执行”表为每个预算单位填一行：全年预算数、执行数；支出数、年初预算数可选"
    "（没有支出数的不计算支出进度；年初预算数用于预算调整率和年初口径的执行率）。",
    "有合同台账的填写“采购合同”表；没有台账的只填“采购汇总”表：中小企业金额只有合计数的，各类别只填支出金额，"
    "另加一行“合计”填写总额、中小企业和小微企业金额；只有总额的只填“合计”行。两张表都填时，数额必须一致。",
    "在“绩效指标”表填写指标：分值合计应等于指标总分（默认 100）；数据来源写“预算执行率”“支出进度”"
    "“中小企业合同占比”等时，实际值由数据自动计算。",
    "在“计分规则”表维护区间、扣分（可设每档，上下限可写“目标值”）、超额和线性规则；绩效指标的计分方法填写"
    " 比率、定性、不适用、得分系数（得分 = 得分系数 × 分值，系数填在“得分系数”列）或这里的规则名称。",
    "在“文字材料”表按章节填写报告中的叙述段落（部门概况、存在的主要问题、下一步改进措施等）。",
    "有项目支出绩效自评的，在“项目”“项目资金”“项目指标”表中每个项目填写一份（执行率分值默认 10，指标分值合计为"
    "100 减执行率分值）；绩效指标数据来源写“项目绩效自评完成率”时，实际值按完成自评的项目数计算。",
    "点击“校验数据”检查填写；点击“生成报告”生成“自评报告”“校验结果”，有项目时同时生成“项目自评汇总”和每个项目的"
    "“项目自评-序号”（项目支出绩效自评表）。",
    "“导出Word报告”生成 Word 版自评报告；“导出共享副本”生成不含宏、公式已转为数值的 .xlsx，"
    "便于发给没有安装本工具的同事。",
)
NOTES = (
    "浅黄色单元格为填写区，其余为说明或计算结果；各表中标有“示例”的行请替换或删除。",
    "“自评报告”“校验结果”“项目自评汇总”“项目自评-序号”工作表由程序生成，重新生成时会被替换（项目减少时多余的"
    "项目自评表会被删除），请不要在其中手工修改。",
    "本工作簿的按钮需要 Excel、Python 和 xlwings；Python 的位置等设置见“xlwings.conf”工作表。",
    "工作表函数：=JX_EXECUTION_RATE(tblBudget[#All],tblInfo[#All])、=JX_SPENDING_PROGRESS(tblBudget[#All],"
    "tblInfo[#All])、=JX_SME_SHARE(tblContracts[#All],tblProcurement[#All],tblInfo[#All])（部门的预算执行率、"
    "支出进度、中小企业合同占比，合计、小计、“其中”行不重复计入）、=JX_EXEC_RATE(执行数,预算数)、=JX_SHARE(部分,总额)"
    "（所给区域中的数全部相加）、"
    "=JX_SCORE(计分方法,分值,目标值,实际值,方向,规则表,得分系数,指标名称)、"
    "=JX_TOTAL_SCORE(tblIndicators[#All],tblRules[#All],tblBudget[#All],tblContracts[#All],tblProcurement[#All],"
    "tblInfo[#All])、=JX_PROCUREMENT(tblContracts[#All])、=JX_GRADE(总分)、=JX_ROUND(数值,位数)。"
    "函数与“生成报告”读取和计算相同；单元格只能显示结果，读取时的提示（如 92 按 92% 读取）请点“校验数据”查看。",
)


def _height(text: str) -> float:
    """Row height for wrapped 11-point text in the 100-wide column: about 46 CJK characters a
    line (Excel does not autofit rows it did not measure), never under two lines."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(32.0, 16.0 * -(-units // 92))


def write_instructions(wb: xlsxwriter.Workbook, ws: Worksheet, options: BuildOptions) -> None:
    base = {"font_name": "宋体", "valign": "vcenter"}
    title = wb.add_format({**base, "bold": True, "font_size": 16})
    heading = wb.add_format({**base, "bold": True, "font_size": 12, "font_name": "黑体"})
    text = wb.add_format({**base, "font_size": 11, "text_wrap": True, "valign": "top"})
    label = wb.add_format({**base, "font_size": 11, "bg_color": "#F2F2F2", "border": 1})
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 100)
    ws.set_column(2, 3, 16)
    ws.write(0, 1, "部门整体支出绩效自评：使用说明", title)
    ws.set_row(0, 30)
    ws.write(2, 1, "填写顺序", heading)
    row = 3
    for n, step in enumerate(STEPS, start=1):
        ws.write(row, 0, f"{n}.", text)
        ws.write(row, 1, step, text)
        ws.set_row(row, _height(step))
        row += 1
    row += 1
    ws.write(row, 1, "操作按钮", heading)
    row += 1
    for n, (caption, macro) in enumerate(MACRO_NAMES.items()):
        ws.insert_button(
            row, 1, {"macro": macro, "caption": caption, "width": 150, "height": 34, "x_offset": n * 165, "y_offset": 4}
        )
    ws.set_row(row, 36)
    row += 2
    if options.quick_checks:
        ws.write(row, 1, "快速核对（工作表函数计算，生成报告前可先看一眼）", heading)
        row += 1
        for check in options.quick_checks:
            ws.write(row, 1, check.label, label)
            number = wb.add_format(
                {**base, "font_size": 11, "border": 1, "bg_color": "#E2EFDA", "num_format": check.number_format}
            )
            ws.write_formula(row, 2, check.formula, number, check.value)
            row += 1
        row += 1
    ws.write(row, 1, "说明", heading)
    row += 1
    for note in NOTES:
        ws.write(row, 1, note, text)
        ws.set_row(row, _height(note))
        row += 1
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()


def write_config_sheet(ws: Worksheet, udf_modules: str) -> None:
    """xlwings reads its settings from a sheet of this name: key in A, value in B."""
    ws.write(0, 0, "UDF Modules")
    ws.write(0, 1, udf_modules)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 30)
