#!/usr/bin/env python3
"""make-seeds.py — write the seed corpora in tests/fuzz/corpus/NAME from
the docs' examples and the unit tests' inputs (run from the repository
root; the files are committed, this script says where they came from)."""
import hashlib, os, struct, subprocess

def put(name, data):
    if isinstance(data, str):
        data = data.encode()
    d = f"tests/fuzz/corpus/{name}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/{hashlib.sha1(data).hexdigest()[:16]}", "wb") as f:
        f.write(data)

# link SPEC: byte 0 picks n (n = 1 + b % 8)
specs = subprocess.run(
    r"""grep -ho '"[0-9*][-0-9*,.>]*:[^"]*"' tests/unit/test_linkspec.c \
        tests/unit/test_kernel_plan.c | tr -d '"' | grep -v '[/%]' | sort -u""",
    shell=True, capture_output=True, text=True).stdout.split()
specs += ["*-*:delay=20ms,jitter=5ms,dist=normal", "*-*:delay=50ms,loss=1%",
          "1>2:jitter=5ms,loss=2%", "1>3:loss=5%",
          "1>2:netem-rate=5kbit,overhead=20,cellsize=100,celloverhead=5",
          "1-2:rate=1mbit,burst=32k,latency=50ms", "1-2:rate=59bit",
          "1-2:rate=1mbit,burst=64m", "1..3>4:delay=1ms,reorder=25%,gap=5",
          "1-2:loss-ge=1%/10%/70%/0.1%,ecn", "1-2:corrupt=0.1%,dup=1%"]
for i in range(0, len(specs), 4):
    put("linkspec", bytes([5]) + "\n".join(specs[i:i + 4]).encode())

# units: 8 bytes of max, then the text
for t in ["1.5s", "250", "20ms", "1e10s", "18446744073709551615", "5%",
          "0.1%", "1mbit", "32k", "8kbit", "2mb", "100.1%", "9.2e9s",
          "-14", "+5", "1gibps", ".5ms"]:
    put("units", struct.pack("<Q", 0xffffffff) + t.encode())
put("units", struct.pack("<Q", 0xffffffffffffffff) + b"18446744073709551615")

# distribution tables (tc's format)
put("dist_table", "# normal-ish\n-4096 -2048 0 2048 4096\n")
put("dist_table", "0x10 -0x10 32767 -32768\n1 2 3\n# end\n")

# scenario files: byte 0 picks n (1 + b % 16)
put("timeline", b"\x03" + b"""# TIME  COMMAND  ARG...
0s      set      1-2:delay=10ms 2>3:loss=1%
2.5s    partition 1,2/3
4s      heal
5s      down 2
6s      up 2
7s      kill 3 TERM
""")
put("timeline", b"\x03" + b"10s:1-2:delay=50ms\n")
put("timeline", b"\x03" + b"1e10s:heal\n3 clear 1-2\n3 restart 2\n")

# policies (includes: a.policy, b.policy, loop.policy in the harness's dir)
put("policy", """# my.policy — default, plus no raw sockets for IPv4
include default
errno socket EACCES if arg0 == 2 and arg1 == 3
""")
put("policy", "include b.policy\ndefault errno EPERM\nallow @default\n"
    "log ptrace\nerrno clone if arg0 & CLONE_NEWUSER|CLONE_NEWNET == 0\n")
put("policy", "include strict\ninclude loop.policy\n")
put("policy", "foreign kill\ndeny @mount\nallow 17\ninclude a.policy\n")

# control protocol lines
for l in ['{"v":1, "id":42, "cmd":"set", "args":["1-2:delay=50ms"]}',
          '{"v":1,"cmd":"partition","args":["1,2/3"]}',
          '{"v":1,"id":"x","cmd":"show"}',
          '{"v":1, "id":42, "ok":true, "text":"...", "data":{"a":[1]}}',
          '{"v":1, "id":42, "ok":false, "error":"partition \'1/1\': peer 1 is in two groups"}',
          '{"v":1,"ok":true,"status":137}', '1,2/3..5']:
    put("control_proto", l)

# command lines, NUL-separated (argv[0] is added)
for a in [["-n", "3", "--link", "*-*:delay=20ms", "--", "ping", "-c1", "{addr}"],
          ["-n", "2", "--at", "10s:heal", "--scenario", "s.txt", "--", "sh"],
          ["--policy-check", "default"],
          ["-n", "4", "--engine", "userspace", "--seed", "7", "--pcap", "d",
           "--grace", "500ms", "--", "echo", "{id}", "{n}", "{name}", "{addr6}"],
          ["-h"]]:
    put("options", b"\0".join(x.encode() for x in a))

# frames: virtio-net header (10 bytes) + 4 bytes + a TCP super-frame
def tcp_super(v6, pay, flags=0x18, doff=8):
    l4 = 54 if v6 else 34
    hl = l4 + doff * 4
    f = bytearray(hl + pay)
    if v6:
        f[12:14] = b"\x86\xdd"; f[14] = 0x60
        f[18:20] = struct.pack(">H", hl + pay - 54); f[20] = 6; f[21] = 64
    else:
        f[12:14] = b"\x08\x00"; f[14] = 0x45
        f[16:18] = struct.pack(">H", hl + pay - 14); f[22] = 64; f[23] = 6
    f[l4 + 12] = doff << 4; f[l4 + 13] = flags
    for i in range(pay):
        f[hl + i] = i * 7 & 255
    return bytes(f), l4, hl

for v6, gt in [(False, 1), (True, 4)]:
    f, l4, hl = tcp_super(v6, 3000)
    h = struct.pack("<BBHHHH", 1, gt, hl, 1448, l4, 16)
    put("frames", h + b"\0\0\0\0" + f)
f, l4, hl = tcp_super(False, 16, 0x10, 0)   # finding 1: data offset 0
put("frames", struct.pack("<BBHHHH", 0, 1, 0, 8, 0, 0) + b"\0" * 4 + f)
f, l4, hl = tcp_super(True, 100, 0x10)      # finding 2: csum_start 34
put("frames", struct.pack("<BBHHHH", 1, 4, 0, 8, 34, 16) + b"\0" * 4 + f)
udp = bytearray(42 + 3000); udp[12] = 8; udp[14] = 0x45; udp[23] = 17
put("frames", struct.pack("<BBHHHH", 1, 5, 42, 1200, 34, 6) + b"\0" * 4 + bytes(udp))

# pcap: flags, snap, then frames with 2-byte little-endian lengths
def frames(*fs):
    return b"".join(struct.pack("<H", len(x)) + x for x in fs)
put("pcap", b"\x01\x00\x00" + frames(b"\xff" * 60, b"\x00" * 1514, b""))
put("pcap", b"\x00\x80\x01" + frames(tcp_super(False, 200)[0], b"\x01" * 90))
