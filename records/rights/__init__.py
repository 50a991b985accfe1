"""Customers' rights over their data (PIPL Art. 44-47, 57): their requests with legal deadlines
(``subject_requests``), the access report (``access_report``), the breach kit (``breach``).
Pages under /records/rights/ (``urls``, ``views``), for the security officer and legal."""
