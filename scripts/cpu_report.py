"""CPU seconds of a test run, per chain of work: ``L2C_CPU_REPORT=1 scripts/test`` starts it.

    cpu_report.py STAMP REPORT STOPFILE

Every second it reads each process's CPU time (``ps -eo pid,times,args``) until STOPFILE
exists, then writes to REPORT the CPU seconds each kind of process used since it started
(and the cores' idle seconds, in all and minute by minute, from /proc/stat, and the speed of
the machine once the run ended: see ``speed``):
the Odoo processes and the PostgreSQL backends by database (the run's own databases by
their suffix: ``_g0``, ``_p2``, ...; the probe runs of tests/platform apart), Chromium, the
pytest processes, lint. A process that lived less than a second between two samples is
missed, as is what a process used after its last sample: the figures are a floor.
"""
import collections
import os
import re
import subprocess
import sys
import time


def category(args, stamp):
    def database(name):
        if name.startswith("test_" + stamp):
            return "test" + name[len("test_" + stamp):]
        if re.match(r"test_\d{14}_\d+", name):
            return "probe runs of tests/platform"
        return re.sub(r"^(tmpl|bench)_\w+", r"\1", name)

    match = re.match(r"postgres: \S+ (\S+) ", args)
    if match:
        return "postgres " + database(match.group(1))
    if args.startswith("postgres") or "/postgres " in args:
        return "postgres (server processes)"
    if "chrom" in args:
        return "chromium"
    match = re.search(r"(?:odoo-bin|odoodb\.py)\S*\s.*?\s(?:-d|--database)[ =](\S+)", args) or re.search(
        r"odoodb\.py \S+ (\S+)", args)
    if match:
        return "odoo " + database(match.group(1))
    if "odoo-bin" in args or "odoodb.py" in args:
        return "odoo (other)"
    if "pytest" in args:
        if stamp not in args:
            return "probe runs of tests/platform"
        match = re.search(r"/(\w+?)(_p2)?\.junit\.xml", args)
        return "pytest " + (match.group(1).split("_")[0] + (match.group(2) or "") if match else "(other)")
    if "flake8" in args or "pylint" in args or "/lint" in args:
        return "lint"
    if "dovecot" in args or "imap" in args:
        return "dovecot"
    return "other (%s)" % os.path.basename(args.split()[0])[:30]


def cpu_times():
    """(idle, steal, total) seconds of all cores since boot (/proc/stat; idle with iowait)."""
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return (fields[3] + fields[4]) / tick, (fields[7] if len(fields) > 7 else 0) / tick, sum(fields[:8]) / tick


# what speed() gave on the idle machine, for comparison
SPEED_SEEN = "0.44-0.49 s on 2026-12-02 at 05:50, 0.54-0.64 s at 05:53"


def speed():
    """The CPU seconds of a fixed piece of pure Python (dictionary and string work, as the ORM
    does), the best of five: the host's speed varies by a quarter within minutes
    (docs/DEVELOPING.md), and a run's times mean little without it. Measured once the run's
    processes ended."""
    best = None
    for _round in range(5):
        start = time.process_time()
        values, total = {}, 0
        for index in range(1500000):
            key = "k%d" % (index % 5000)
            values[key] = values.get(key, 0) + index
            total += len(key)
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    return best


def main(stamp, report, stop):
    first, last = None, {}
    machine = [cpu_times()]
    while not os.path.exists(stop):
        output = subprocess.run(["ps", "-eo", "pid=,times=,args="], stdout=subprocess.PIPE,
                                universal_newlines=True).stdout
        for line in output.splitlines():
            parts = line.split(None, 2)
            if len(parts) == 3 and parts[1].isdigit():
                # a process that ended shows as "[python] <defunct>": it keeps the name it ran under
                args = parts[2][:3000]
                if args.startswith("[") and parts[0] in last:
                    args = last[parts[0]][1]
                last[parts[0]] = (int(parts[1]), args)
        if first is None:
            first = {pid: value[0] for pid, value in last.items()}
        machine.append(cpu_times())
        time.sleep(1)
    seconds = collections.Counter()
    for pid, (cpu, args) in last.items():
        seconds[category(args, stamp)] += cpu - first.get(pid, 0)
    with open(report, "w") as handle:
        for name, value in seconds.most_common():
            if value > 0:
                handle.write("%7d s  %s\n" % (value, name))
        handle.write("%7d s  total (processes seen by the sampler)\n" % sum(seconds.values()))
        # where the cores idled: the run is bound by its CPU only while they do not
        idle, steal, total = (machine[-1][i] - machine[0][i] for i in range(3))
        handle.write("%7d s  idle, of %d s of all cores (%.0f %%); stolen by the host: %d s\n"
                     % (idle, total, 100.0 * idle / total if total else 0, steal))
        minutes = [machine[i + 60 if i + 60 < len(machine) else -1][0] - machine[i][0]
                   for i in range(0, len(machine) - 1, 60)]
        handle.write("idle seconds of all cores, minute by minute: %s\n" % " ".join("%d" % m for m in minutes))
        handle.write("machine speed: a fixed piece of Python took %.3f s of CPU once the run ended "
                     "(%s; less is faster)\n" % (speed(), SPEED_SEEN))


if __name__ == "__main__":
    main(*sys.argv[1:4])
