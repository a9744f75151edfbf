"""A real IMAP server (Debian's dovecot) on a free loopback port, in a temporary directory.

Used by the end-to-end tests (conftest.py) and the benchmark (bench/bench_mail_gateway.py).
"""
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time

import harness

DOVECOT = "/usr/sbin/dovecot"

CONFIG = """
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{tmp}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {tmp}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  fifo_listener stats-mail {{
    mode = 0666
  }}
}}
"""


class Dovecot(object):
    user, password = "sales", "imap-secret"

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="mg-dovecot-")
        os.chmod(self.tmp, 0o755)
        self.port = harness.free_port()
        for sub in ("run", "state", "mail"):
            os.makedirs(os.path.join(self.tmp, sub))
        uid, gid = os.getuid(), os.getgid()
        if uid == 0:
            # dovecot never gives mail access to root: the mailbox belongs to nobody
            nobody = pwd.getpwnam("nobody")
            uid, gid = nobody.pw_uid, nobody.pw_gid
            os.chown(os.path.join(self.tmp, "mail"), uid, gid)
        with open(os.path.join(self.tmp, "passwd"), "w") as handle:
            handle.write("%s:{PLAIN}%s:%d:%d::%s/mail/%s\n" % (
                self.user, self.password, uid, gid, self.tmp, self.user))
        self.config = os.path.join(self.tmp, "dovecot.conf")
        with open(self.config, "w") as handle:
            handle.write(CONFIG.format(tmp=self.tmp, port=self.port))
        self.start()

    def start(self):
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", self.config],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_ready()

    def kill(self):
        """Cut every IMAP connection at once (the server dies), to start() again."""
        self.process.kill()
        self.process.wait(10)

    def wait_ready(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                self.connect().logout()
                return
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.2)
        raise RuntimeError("dovecot did not start: %s" % self.log_text())

    def log_text(self):
        try:
            with open(os.path.join(self.tmp, "dovecot.log")) as handle:
                return handle.read()[-2000:]
        except OSError:
            return ""

    def connect(self):
        imap = imaplib.IMAP4("127.0.0.1", self.port)
        imap.login(self.user, self.password)
        return imap

    def append(self, *messages):
        imap = self.connect()
        imap.socket().settimeout(60)
        try:
            for raw in messages:
                imap.append("INBOX", None, None, raw)
        finally:
            imap.logout()

    def flags(self, folder="INBOX"):
        """{Message-Id header text: seen?} of a folder."""
        imap = self.connect()
        try:
            imap.select(folder)
            _typ, data = imap.search(None, "ALL")
            seen = {}
            for num in data[0].split():
                _typ, parts = imap.fetch(num, "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
                flags = parts[0][0].decode()
                key = parts[0][1].decode().strip()
                seen[key] = "\\Seen" in flags
            return seen
        finally:
            imap.logout()

    def unflag_all(self):
        imap = self.connect()
        try:
            imap.select("INBOX")
            imap.store("1:*", "-FLAGS", "(\\Seen)")
        finally:
            imap.logout()

    def flag_all_seen(self):
        imap = self.connect()
        try:
            imap.select("INBOX")
            imap.store("1:*", "+FLAGS", "(\\Seen)")
        finally:
            imap.logout()

    def create_folder(self, name):
        imap = self.connect()
        try:
            imap.create(name)
        finally:
            imap.logout()

    def recreate_inbox(self, *messages):
        """Empty the INBOX and give it a new UIDVALIDITY (as a server migration does), then append."""
        imap = self.connect()
        try:
            imap.select("INBOX")
            imap.store("1:*", "+FLAGS", "(\\Deleted)")
            imap.expunge()
        finally:
            imap.logout()
        time.sleep(1.1)  # UIDVALIDITY is a time in seconds
        for name in os.listdir(self.maildir):
            if name.startswith("dovecot-uidlist") or name.startswith("dovecot.index"):
                os.remove(os.path.join(self.maildir, name))
        self.append(*messages)

    @property
    def maildir(self):
        return os.path.join(self.tmp, "mail", self.user)

    def deliver(self, raw, name):
        """Put a message straight into the INBOX maildir, byte for byte (an IMAP APPEND
        refuses NUL bytes), as a local delivery agent does."""
        for sub in ("tmp", "new", "cur"):
            path = os.path.join(self.maildir, sub)
            if not os.path.isdir(path):
                os.makedirs(path)
                self._own(path)
        path = os.path.join(self.maildir, "new", "%d.%s.corpus" % (int(time.time()), name))
        with open(path, "wb") as handle:
            handle.write(raw)
        self._own(path)

    def _own(self, path):
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
            os.chown(os.path.dirname(path), nobody.pw_uid, nobody.pw_gid)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)
