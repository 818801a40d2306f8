"""xlcrm's office-side helpers (run inside LibreOffice's Python)."""
