#!/usr/bin/python3
"""Micro-benchmark behind the inbox journal (issue #18), not a test: what one durable write costs on this machine's
disk, interleaved, REPS repetitions each (default 300), medians with p25-p75 and p95.
  new-file:  write 526 kB to a new file, fsync, rename, directory fsync (a large file's path in the Store SCP)
  record-526k / record-4k: overwrite an already written journal region and fdatasync (the journal's path)
  no-sync:   write a new file and rename it, no sync (what storescp does)
Run on an otherwise idle machine: python3 scripts/bench_durable_write.py [DIR] [REPS]"""
import os, statistics, sys, tempfile, time

directory = tempfile.mkdtemp(dir=sys.argv[1] if len(sys.argv) > 1 else ".")
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 300
big, small = os.urandom(526 * 1024), os.urandom(4096)
journal_bytes = 256 << 20
journal = os.open(f"{directory}/journal", os.O_CREAT | os.O_RDWR, 0o600)
os.pwrite(journal, b"\0" * journal_bytes, 0)  # written once, as the product's journal is
os.fsync(journal)
offset = [8192]

def new_file(i):
    part = f"{directory}/{i}.part"
    fd = os.open(part, os.O_CREAT | os.O_WRONLY, 0o600)
    os.write(fd, big); os.fsync(fd); os.close(fd)
    os.rename(part, f"{directory}/{i}.dcm")
    d = os.open(directory, os.O_RDONLY); os.fsync(d); os.close(d)

def record(data):
    def run(_):
        if offset[0] + len(data) > journal_bytes: offset[0] = 8192
        os.pwrite(journal, data, offset[0]); os.fdatasync(journal)
        offset[0] += (len(data) + 4095) // 4096 * 4096
    return run

def no_sync(i):
    part = f"{directory}/n{i}.part"
    fd = os.open(part, os.O_CREAT | os.O_WRONLY, 0o600); os.write(fd, big); os.close(fd)
    os.rename(part, f"{directory}/n{i}.dcm")

cases = {"new-file": new_file, "record-526k": record(big), "record-4k": record(small), "no-sync": no_sync}
times = {name: [] for name in cases}
print(f"load average {os.getloadavg()[0]:.2f}; {reps} interleaved repetitions in {directory}")
for i in range(reps):
    for name, run in cases.items():
        start = time.perf_counter(); run(i); times[name].append((time.perf_counter() - start) * 1000)
for name, values in times.items():
    values.sort()
    print(f"{name:12} median {statistics.median(values):.2f} ms (p25 {values[len(values) // 4]:.2f}, p75 {values[3 * len(values) // 4]:.2f}, p95 {values[int(len(values) * .95)]:.2f})")
for f in os.listdir(directory): os.remove(os.path.join(directory, f))
os.rmdir(directory)
