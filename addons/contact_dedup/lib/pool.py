"""Score a scan's pairs in forked processes beside the one that reads them from PostgreSQL.

A scan of 100,000 contacts compares about 2.4 million candidate pairs in Python, one core's
work while the others wait. ``ChunkScorer`` hands each chunk of rows (as fetched) to one of
a few forked processes and gives back their results in the order the chunks were given, so
that what is stored does not depend on how many processes there were.

The processes are forked from an Odoo server process, which holds database connections,
threads and signal handlers: a child only ever calls the scoring function it was forked
with on the rows it is sent, never touches a connection (it collects no garbage cycles, so
that no inherited connection is closed under its parent) and ends with ``os._exit``
(``multiprocessing``'s own way out of a forked child).
"""
import collections
import contextlib
import gc
import os
import signal
from multiprocessing import Pipe


def _child_start():
    gc.disable()
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        # Odoo's workers wake their main loop through this pipe: not from here
        signal.set_wakeup_fd(-1)


def _child_loop(score, channel):
    """A child's life: score each chunk received, send back (True, result) or (False, error);
    end when the parent says so (None) or is gone."""
    while True:
        try:
            rows = channel.recv()
        except (EOFError, OSError):
            return
        if rows is None:
            return
        try:
            answer = (True, score(rows))
        except Exception as error:  # pylint: disable=broad-except
            answer = (False, error)
        try:
            channel.send(answer)
        except Exception as error:  # pylint: disable=broad-except
            # an answer that cannot be pickled
            channel.send((False, RuntimeError("%s: %s" % (type(error).__name__, error))))


def processes_for(work, wanted, minimum_work):
    """How many child processes to use for ``work`` items: none (score here) for a small job,
    else ``wanted`` (0: one per CPU, at most 4)."""
    if wanted is None or wanted < 0 or work < minimum_work:
        return 0
    if wanted == 0:
        wanted = min(os.cpu_count() or 1, 4)
    return wanted if wanted > 1 else 0


class ChunkScorer(object):
    """``submit(rows)`` then ``results()``: each chunk's ``score(rows)``, in submission order.

    With ``processes`` 0 the chunks are scored here, at once. Else each child has a pipe of its
    own and one chunk at a time, handed out in turn: while they score, the caller reads the
    next rows (memory stays flat however many rows there are), and ``submit`` returns the
    results of the chunks done, oldest first. No lock is shared with a child: a child that
    dies (killed, out of memory) is seen as such, its pipe closed, and the job stops with an
    error instead of waiting for it. An error in a child is raised here."""

    def __init__(self, score, processes):
        self.score = score
        self.processes = processes
        self.children = []  # [(pid, channel)]
        self.pending = collections.deque()  # index in children of each chunk in flight, oldest first
        self.turn = 0

    def __enter__(self):
        for _index in range(self.processes):
            ours, theirs = Pipe()
            pid = os.fork()
            if pid == 0:  # the child
                try:
                    for _pid, channel in self.children:
                        channel.close()  # the other children's: their EOF must not wait for this one
                    ours.close()
                    _child_start()
                    _child_loop(self.score, theirs)
                finally:
                    os._exit(0)
            theirs.close()
            self.children.append((pid, ours))
        return self

    def __exit__(self, exc_type, *exc):
        for pid, channel in self.children:
            with contextlib.suppress(OSError):
                if exc_type is not None:
                    os.kill(pid, signal.SIGKILL)  # it may be scoring a chunk no one will read
                else:
                    channel.send(None)
            channel.close()
        for pid, _channel in self.children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children = []
        self.pending.clear()
        return False

    def submit(self, rows):
        """The results ready so far (a list of each chunk's result), ``rows`` queued or scored."""
        if not self.children:
            return [self.score(rows)]
        done = []
        if len(self.pending) == len(self.children):
            done.append(self._receive())
        child = self.turn
        self.turn = (self.turn + 1) % len(self.children)
        self.children[child][1].send(rows)
        self.pending.append(child)
        while self.pending and self.children[self.pending[0]][1].poll():
            done.append(self._receive())
        return done

    def results(self):
        """The results of the chunks still in flight, in submission order."""
        done = []
        while self.pending:
            done.append(self._receive())
        return done

    def _receive(self):
        """The oldest chunk's result, or its error; an error once its child has died."""
        pid, channel = self.children[self.pending.popleft()]
        try:
            ok, result = channel.recv()
        except (EOFError, OSError):
            raise RuntimeError("the process %d scoring the pairs died: the job stops, nothing of it is kept" % pid)
        if not ok:
            raise result
        return result
