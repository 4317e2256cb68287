"""The Excel door: reading the open workbook and writing the report through xlwings."""
