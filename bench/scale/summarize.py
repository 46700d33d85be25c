#!/usr/bin/env python3
"""summarize.py RAW — the scale tables from bench/scale/run.sh's raw file
(the last run in it: the lines after the last '#' header)."""
import statistics
import sys


def last_run(path):
    lines = open(path).read().splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith('#'))
    return lines[start], [l.split('\t') for l in lines[start + 1:]]


def main():
    header, rows = last_run(sys.argv[1])
    print(header.lstrip('# '))
    print()
    print('| engine | N | ready | per peer | total | teardown | RSS | load | runs |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    runs = {}
    for r in rows:
        if r[0] == 'mem':
            continue
        runs.setdefault((r[0], int(r[1])), []).append(r)
    per = {}
    for (e, n), rs in sorted(runs.items()):
        ok = [r for r in rs if r[2] == 'ok']
        if not ok:
            print(f'| {e} | {n} | failed | | | | | | 0/{len(rs)} |')
            continue
        ready = [int(r[3]) for r in ok]
        total = [int(r[4]) for r in ok]
        down = [t - d for d, t in zip(ready, total)]
        rss = [int(r[5]) / 1024 for r in ok]
        load = [float(r[6]) for r in ok]

        def f(v, unit='ms'):
            m = statistics.median(v)
            return f'{m:.0f} {unit} [{min(v):.0f}–{max(v):.0f}]'
        per[(e, n)] = statistics.median(ready) / n
        print(f'| {e} | {n} | {f(ready)} | {per[(e, n)]:.2f} ms | '
              f'{f(total)} | {f(down)} | {statistics.median(rss):.1f} MiB '
              f'| {statistics.median(load):.0f} | {len(ok)}/{len(rs)} |')
    print()
    for e in sorted({e for e, _ in per}):
        ns = sorted(n for x, n in per if x == e)
        if len(ns) > 1:
            print(f'- {e}: time per peer at N={ns[-1]} / at N={ns[0]}: '
                  f'{per[(e, ns[-1])] / per[(e, ns[0])]:.2f}×')
    for r in rows:
        if r[0] == 'mem':
            print(f'- {r[1]}: host memory per peer at N={r[2]}: '
                  f'{int(r[3])} KiB (MemAvailable drop / N)')


main()
