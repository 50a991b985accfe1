"""Bringing an existing archive in (issue 19 §1, R10-R15): a firm's client registers, from an
Excel workbook or a CSV file, through the same validation, encryption, consent, audit and
review path as a file typed into the form."""
