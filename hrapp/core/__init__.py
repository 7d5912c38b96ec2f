"""Domain-free building blocks: database conventions, permissions, audit, tabular import/export,
ID numbers, money. Depends on nothing else in hrapp except hrapp.extensions."""
