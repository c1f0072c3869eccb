"""The newsletter by email: one message per partner, reviewed as .eml files, sent exactly once.

``news`` decides what a partner may read (the privacy boundary), ``compose`` turns it into a
MIME message, ``log`` remembers what was delivered, ``send`` talks SMTP and ``run`` ties them
together for ``python -m generator mail``.
"""
