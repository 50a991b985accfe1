"""The shared floor under every app: what several apps need and none of them owns.

Jobs bookkeeping and health, the request context, CSV safety, canonical JSON, the one refusal
exception, posted-form binding and the task enqueue helper. ``core`` imports none of our apps;
every app may import it (DESIGN.md "Target shape").
"""
