"""Fixtures of the mail_gateway end-to-end tests: a real dovecot IMAP server."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dovecot as dovecot_server  # noqa: E402


@pytest.fixture
def dovecot():
    if not os.path.exists(dovecot_server.DOVECOT):
        pytest.skip("dovecot is not installed")
    server = dovecot_server.Dovecot()
    yield server
    server.stop()
