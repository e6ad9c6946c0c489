"""Bulk import and export: the ECB rate history, Crunchbase bulk CSVs, with dry runs and per-row reports."""
