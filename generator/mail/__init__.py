"""The newsletter by email: one message per partner, reviewed as .eml files, sent exactly once.

``news`` decides what a partner may read (the privacy boundary), ``compose`` turns it into a
MIME message, ``log`` remembers what was delivered, ``send`` talks SMTP and ``run`` ties them
together for ``python -m generator mail``.
"""

# Here, not in run.py: the command line's --help gives them, and a command other than mail
# should not load the mail code to say them.
OUT_DIR = "mail-out"
DEFAULT_RATE = "1/s"
