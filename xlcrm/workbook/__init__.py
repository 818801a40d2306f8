"""Workbook I/O: read the user's tables, write xlcrm's sheets without touching anything else."""
