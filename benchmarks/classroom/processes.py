"""The processes of one classroom run, read from /proc (Linux): who they are, what they use, where
they listen, and how to end them all.

Every process the run starts carries one environment variable, ``CLASSROOM_RUN=<run id>``: the
hub, the proxy it starts, each learner's single-user server (through ``Spawner.environment``) and
every kernel that server starts (kernels inherit their server's environment).  That mark finds
them even after their parent died and they were re-parented, so nothing is left behind.
"""
from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
MARK = "CLASSROOM_RUN"
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
IPV6_LOOPBACK = "00000000000000000000000001000000"  # ::1 as /proc/net/tcp6 writes it


@dataclass(frozen=True)
class Proc:
    """One marked process: its pid, the learner it serves ('' for the hub and the proxy) and its
    command line (argv joined by spaces)."""

    pid: int
    user: str
    command: str

    @property
    def role(self):
        """'kernel', 'server' (a single-user server), 'helper' (another process of a learner's server,
        such as the short `yarn config` JupyterLab runs at start-up), 'proxy' or 'hub'."""
        if "ipykernel" in self.command:
            return "kernel"
        if self.user:
            return "server" if "jupyterhub-singleuser" in self.command else "helper"
        return "proxy" if "configurable-http-proxy" in self.command else "hub"


def _environ(pid):
    """{name: value} of process ``pid``'s environment, or None if it is gone or unreadable."""
    try:
        raw = (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return None
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


def _command(pid):
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _is_zombie(pid):
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def marked(run_id):
    """Every live process whose environment holds CLASSROOM_RUN=run_id, as a list of Proc."""
    found = []
    for entry in PROC.glob("[0-9]*"):
        pid = int(entry.name)
        env = _environ(pid)
        if env is None or env.get(MARK) != run_id or _is_zombie(pid):
            continue
        found.append(Proc(pid, env.get("JUPYTERHUB_USER", ""), _command(pid)))
    return found


def memory_kib(pid):
    """(RSS, PSS) of process ``pid`` in KiB from /proc/<pid>/smaps_rollup, or (0, 0) if it is gone.
    RSS counts every shared page in full; PSS splits shared pages between the processes sharing
    them, so a sum of PSS is what the processes really take together."""
    values = {}
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                values[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return 0, 0
    return values.get("Rss", 0), values.get("Pss", 0)


def cpu_seconds(pid):
    """User + system CPU seconds used so far by process ``pid`` (0.0 if it is gone)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def machine_memory_used_kib():
    """MemTotal - MemAvailable of the whole machine, KiB."""
    info = {}
    for line in (PROC / "meminfo").read_text().splitlines():
        name, _, rest = line.partition(":")
        info[name] = int(rest.split()[0])
    return info["MemTotal"] - info["MemAvailable"]


def machine_busy_seconds():
    """CPU seconds all cores of the machine have spent busy since boot (every process, anyone's)."""
    fields = [int(x) for x in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / TICKS


def _socket_inodes(pid):
    inodes = set()
    try:
        for fd in (PROC / str(pid) / "fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes


def _decode_address(hex_address):
    """'0100007F:1F90' (/proc/net/tcp) -> ('127.0.0.1', 8080); IPv6 addresses as their hex text."""
    address, port = hex_address.split(":")
    if len(address) == 8:
        host = ".".join(str(b) for b in reversed(bytes.fromhex(address)))
    elif address == IPV6_LOOPBACK:
        host = "::1"
    else:
        host = f"[{address}]"  # any other IPv6 address: not one this tool allows
    return host, int(port, 16)


def listening(pids):
    """[(host, port, pid)] of every TCP socket in the LISTEN state that the processes ``pids`` hold."""
    inode_to_pid = {}
    for pid in pids:
        for inode in _socket_inodes(pid):
            inode_to_pid[inode] = pid
    found = []
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inode_to_pid:  # 0A: LISTEN
                host, port = _decode_address(fields[1])
                found.append((host, port, inode_to_pid[fields[9]]))
    return found


def end_all(run_id, grace_s=10.0):
    """Send SIGTERM to every process marked ``run_id``, wait up to ``grace_s`` seconds, then SIGKILL
    what is left (and wait for it to go).  Returns the pids that had to be killed."""
    for proc in marked(run_id):
        _signal(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while marked(run_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    killed = [proc.pid for proc in marked(run_id)]
    for pid in killed:
        _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while marked(run_id) and time.monotonic() < deadline:
        time.sleep(0.1)
    return killed


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
