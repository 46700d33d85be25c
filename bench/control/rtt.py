#!/usr/bin/env python3
"""Round-trip times of control requests.

  rtt.py SOCK raw N CMD [ARG...]        one connection, N requests in turn
  rtt.py SOCK connect N CMD [ARG...]    connect + request + reply + close, N times
  rtt.py SOCK pair N CMD [ARG...] -- CMD2 [ARG...]
                                        alternate two requests (e.g. partition,
                                        heal), N of each, timed apart
  rtt.py SOCK ctl N CTL CMD [ARG...]    run `CTL --control SOCK CMD ARG...` N times
                                        (process start to exit after the reply)

ARGs may contain {i}: replaced by the iteration number (so that a `set`
really changes something each time, e.g. delay={i}ms).  Prints
median / p90 / max in milliseconds; exits 1 if a reply is not ok.
"""
import json, socket, statistics, subprocess, sys, time


def request(cmd, args, i):
    return (json.dumps({"v": 1, "cmd": cmd,
                        "args": [a.replace("{i}", str(i % 50 + 1))
                                 for a in args]}) + "\n").encode()


def read_line(s, buf):
    while b"\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("connection closed")
        buf += chunk
    line, _, rest = buf.partition(b"\n")
    rep = json.loads(line)
    if not rep.get("ok"):
        raise SystemExit("error: " + rep.get("error", "?"))
    return rest


def main():
    sock, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rest = sys.argv[4:]
    times = []
    if mode == "raw":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        buf = b""
        for i in range(n):
            t = time.perf_counter()
            s.sendall(request(rest[0], rest[1:], i))
            buf = read_line(s, buf)
            times.append(time.perf_counter() - t)
    elif mode == "pair":
        k = rest.index("--")
        a, b = rest[:k], rest[k + 1:]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        buf = b""
        other = []
        for i in range(n):
            for req, out in ((a, times), (b, other)):
                t = time.perf_counter()
                s.sendall(request(req[0], req[1:], i))
                buf = read_line(s, buf)
                out.append(time.perf_counter() - t)
        other.sort()
        ms = [x * 1000 for x in other]
        print("[%s] n=%d median=%.3f ms max=%.3f ms; " %
              (b[0], n, statistics.median(ms), ms[-1]), end="")
    elif mode == "connect":
        for i in range(n):
            t = time.perf_counter()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock)
            s.sendall(request(rest[0], rest[1:], i))
            read_line(s, b"")
            s.close()
            times.append(time.perf_counter() - t)
    elif mode == "ctl":
        ctl = rest[0]
        for i in range(n):
            argv = [ctl, "--control", sock] + \
                [a.replace("{i}", str(i % 50 + 1)) for a in rest[1:]]
            t = time.perf_counter()
            r = subprocess.run(argv, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
            if r.returncode:
                raise SystemExit("linkem-ctl failed: %d" % r.returncode)
    else:
        raise SystemExit(__doc__)
    times.sort()
    ms = [x * 1000 for x in times]
    print("n=%d median=%.3f ms p90=%.3f ms max=%.3f ms" %
          (n, statistics.median(ms), ms[int(0.9 * (n - 1))], ms[-1]))


if __name__ == "__main__":
    main()
