"""Workload: the dispatch platform's cases (事件) and officers' daily work records, and the measures
built on them (per officer, per grid, grid balance, anomaly signals).

Owns: case categories (two levels, each with a time limit), case sources, source systems, the
working calendar used for deadlines, cases, daily work records, and the streamed case import.
May depend on core, org and officers; nothing below it imports it (officers/panels.py is how its
cards reach a profile).
"""
