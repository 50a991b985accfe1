"""Inventory rounds (盘点, issue 19 §2, R33, R85): the archive checks every folder of the rooms
or cabinets it plans, records what it finds, and closes the round with a report; every folder
missing, damaged or in the wrong place becomes an incident."""
