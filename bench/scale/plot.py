#!/usr/bin/env python3
"""plot.py RAW OUT.svg — time per peer (ready / N, median) against N, one
line per engine, from bench/scale/run.sh's raw file (its last run).  A
plain SVG, no plotting library needed."""
import statistics
import sys

lines = open(sys.argv[1]).read().splitlines()
start = max(i for i, l in enumerate(lines) if l.startswith('#'))
header = lines[start].lstrip('# ')
pts = {}
for l in lines[start + 1:]:
    r = l.split('\t')
    if r[0] != 'mem' and r[2] == 'ok':
        pts.setdefault(r[0], {}).setdefault(int(r[1]), []).append(
            int(r[3]) / int(r[1]))
series = {e: sorted((n, statistics.median(v)) for n, v in d.items())
          for e, d in pts.items()}
W, H, L, B, T, R = 640, 400, 70, 50, 40, 130
ns = sorted({n for s in series.values() for n, _ in s})
ymax = max(y for s in series.values() for _, y in s) * 1.15
xmax = max(ns) * 1.05


def x(n):
    return L + (W - L - R) * n / xmax


def y(v):
    return H - B - (H - B - T) * v / ymax


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
       'font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W/2}" y="20" text-anchor="middle">linkem: time per peer '
       f'to ready against N ({header[:60]})</text>',
       f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>',
       f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">N (peers)</text>',
       f'<text x="16" y="{(T+H-B)/2}" text-anchor="middle" '
       f'transform="rotate(-90 16 {(T+H-B)/2})">ms per peer</text>']
for n in ns:
    out.append(f'<text x="{x(n)}" y="{H-B+16}" text-anchor="middle">{n}</text>')
for i in range(6):
    v = ymax * i / 5
    out.append(f'<text x="{L-6}" y="{y(v)+4}" text-anchor="end">{v:.1f}</text>')
    out.append(f'<line x1="{L}" y1="{y(v)}" x2="{W-R}" y2="{y(v)}" '
               'stroke="#ddd"/>')
colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd']
for k, (e, s) in enumerate(sorted(series.items())):
    c = colours[k % len(colours)]
    pts_s = ' '.join(f'{x(n):.1f},{y(v):.1f}' for n, v in s)
    out.append(f'<polyline points="{pts_s}" fill="none" stroke="{c}" '
               'stroke-width="2"/>')
    for n, v in s:
        out.append(f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{c}"/>')
    out.append(f'<text x="{W-R+10}" y="{T+20+18*k}" fill="{c}">{e}</text>')
out.append('</svg>')
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
