"""Registry spreadsheets: the import template, reading and checking uploads, and exports."""
