"""Person search, saved filters, floating population, visit coverage and statistics pages."""

urls: list = []
