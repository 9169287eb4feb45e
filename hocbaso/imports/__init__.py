"""Spreadsheets from the school-management software: templates and import."""
