"""The reference figures of DESIGN.md as the report presents them (one list for every test)."""

REFERENCE_FIGURES = (
    "9,647.82",
    "9,326.11",
    "96.67%",
    "9,360.25",
    "97.02%",
    "1,758.16",
    "213.53",
    "1,544.63",
    "1,172.10",
    "66.7%",
    "126.34",
    "10.8%",
    "100.0%",
    "62.1%",
    "97.96",
    "基数为0，不可比",
)
