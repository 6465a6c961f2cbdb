"""IMAP: the mailbox client, the IDLE/poll loop and the single-poller lease."""
