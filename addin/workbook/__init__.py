"""Contract workbooks built from code: the template and the example."""
