"""Circulation: files leaving their handler's hands and coming back.

Borrowing and the lending desk (``lending``), copies and the copy register (``copies``),
delivery to external parties (``sharing``, ``parties``), transfers between colleagues and
hand-overs when someone leaves (``custody``), emergency access (``break_glass``). The requests
and their approvals are access's (access/requests.py, access/workflow); what is handed out
belongs to the files, so fulfilment lives here. Pages under /requests/ (``urls``, ``views/``).
"""
