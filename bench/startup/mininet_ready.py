#!/usr/bin/python3
"""mininet_ready.py — baseline (b) of the startup benchmark, "ready" part.

    mininet_ready.py N COMMAND      (as root; COMMAND is one shell word list)

Builds exactly what `mn --topo single,N --switch lxbr --controller none
--test none` builds (same classes and arguments as /usr/bin/mn passes:
SingleSwitchTopo(N), LinuxBridge, Host, NullController, Link,
ipBase 10.0.0.0/8), calls net.start(), then starts COMMAND in every host
at once through Mininet's own per-host shells (sendCmd on all hosts, then
waitOutput on all), prints each host's output, and stops the network.

Mininet hosts are processes in their own network namespace only (no
mount/PID/UTS/IPC namespaces, no IPv6 address); the switch s1 and its
ports s1-ethI live in the root network namespace.  Run with /usr/bin/python3:
Debian's mininet module is installed for the system Python only.
"""
import sys

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import Host, NullController
from mininet.link import Link
from mininet.nodelib import LinuxBridge
from mininet.topo import SingleSwitchTopo


def main():
    if len(sys.argv) < 3:
        sys.stderr.write('usage: %s N COMMAND...\n' % sys.argv[0])
        return 2
    n = int(sys.argv[1])
    command = ' '.join(sys.argv[2:])
    setLogLevel('warning')
    net = Mininet(topo=SingleSwitchTopo(n), switch=LinuxBridge, host=Host,
                  controller=[NullController], link=Link,
                  ipBase='10.0.0.0/8', inNamespace=False, autoSetMacs=False,
                  autoStaticArp=False, autoPinCpus=False,
                  waitConnected=False)
    try:
        net.start()
        for h in net.hosts:
            h.sendCmd(command)
        for h in net.hosts:
            out = h.waitOutput()
            for line in out.splitlines():
                sys.stdout.write('[%s] %s\n' % (h.name, line.strip()))
        sys.stdout.flush()
    finally:
        net.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
