"""Run a researcher's day inside a network namespace and record every attempt to reach out.

Started by tests/test_offline.py as ``unshare -rnm python tests/netns_probe.py WORKDIR``:
a new user, network and mount namespace, so the only interface is loopback and
``/etc/resolv.conf`` can be pointed at a recording resolver without touching the machine.

- Every name looked up goes to the resolver on 127.0.0.1:53 (UDP and TCP), which records
  it and answers REFUSED, so nothing waits on a timeout.
- Every workbench process (and everything it starts) runs under ``strace -f``, tracing
  ``connect``, ``sendto``, ``sendmsg`` and ``sendmmsg``: an attempt to reach an address
  beyond loopback is recorded even though the namespace has no route to send it on, and
  even when it comes from native code (ONNX Runtime's telemetry is C++).
- The app is served and driven in chromium with Playwright: every request the page makes
  is recorded, so a font, script or beacon from elsewhere would show (chromium's own
  update checks are kept from the resolver: see ``browse``).
- HOME is a fresh, empty folder: whatever a dependency writes there is listed.
- Last, a control: plain ONNX Runtime without the switch, in the same namespace, must be
  heard looking up its collector; otherwise the silence above would prove nothing.

The findings go to WORKDIR/probe.json; the test decides what they mean.
"""

from __future__ import annotations

import json
import os
import re
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run as a script: the tests package beside it

from tests.browser_harness import browser, go, serve, settle, start  # noqa: E402

CORPUS = ROOT / "corpus"
TRACED = "connect,sendto,sendmsg,sendmmsg"
ADDRESS = re.compile(r'sa_family=(AF_INET6?)(?:, sin6?_port=htons\((\d+)\))?.*?'
                     r'(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')

names: list[tuple[str, str]] = []  # (name, the command line of the process that asked)


def _asker(port: int, protocol: str) -> str:
    """The command line of the process whose socket has local ``port`` (it waits for our answer)."""
    inodes = set()
    for table in (f"/proc/net/{protocol}", f"/proc/net/{protocol}6"):
        try:
            rows = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")[:200]
        except OSError:
            continue
    return "unknown"


def _qname(packet: bytes) -> str:
    labels, i = [], 12
    while i < len(packet) and packet[i]:
        size = packet[i]
        labels.append(packet[i + 1:i + 1 + size].decode("ascii", "replace"))
        i += 1 + size
    return ".".join(labels)


def _refused(packet: bytes) -> bytes:
    # The query's id and question back, flagged as a response with rcode 5 (REFUSED).
    return packet[:2] + bytes([0x81, 0x85]) + packet[4:6] + b"\0\0\0\0\0\0" + packet[12:]


class _Udp(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        names.append((_qname(data), _asker(self.client_address[1], "udp")))
        sock.sendto(_refused(data), self.client_address)


class _Tcp(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        size = int.from_bytes(self.rfile.read(2), "big")
        data = self.rfile.read(size)
        names.append((_qname(data), _asker(self.client_address[1], "tcp")))
        answer = _refused(data)
        self.wfile.write(len(answer).to_bytes(2, "big") + answer)


def isolate(work: Path) -> None:
    """Bring loopback up and point the resolver at 127.0.0.1 (inside this mount namespace only)."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    conf = work / "resolv.conf"
    conf.write_text("nameserver 127.0.0.1\noptions attempts:1 timeout:1\n", encoding="utf-8")
    subprocess.run(["mount", "--bind", str(conf), "/etc/resolv.conf"], check=True)
    for server in (socketserver.ThreadingUDPServer(("127.0.0.1", 53), _Udp),
                   socketserver.ThreadingTCPServer(("127.0.0.1", 53), _Tcp)):
        threading.Thread(target=server.serve_forever, daemon=True).start()


def outward(trace: Path) -> list[str]:
    """Lines of an strace log that address anything but loopback or a local socket."""
    found = []
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        match = ADDRESS.search(line)
        if not match:
            continue
        address = match.group(3) or match.group(4) or ""
        if address.startswith("127.") or address in ("::1", "::ffff:127.0.0.1", "0.0.0.0", "::"):
            continue
        found.append(line.strip())
    return found


def traced(work: Path, name: str) -> list[str]:
    """The prefix that runs a command under strace, its log in WORK/NAME.strace."""
    return ["strace", "-f", "-qq", "--seccomp-bpf", "-e", f"trace={TRACED}", "-o", str(work / f"{name}.strace")]


def browse(url: str) -> tuple[list[str], list[str]]:
    """A researcher's visit: start, every page, a decision; requests to anywhere but the app."""
    elsewhere, seen = [], []

    def note(request) -> None:
        seen.append(request.url)
        if not request.url.startswith((url, "data:", "blob:", "about:")):
            elsewhere.append(request.url)

    # Chromium's own services (extension and component updates) look up Google's hosts even
    # with background networking off; they are the browser's, not the app's, so its resolver
    # answers only 127.0.0.1 and the recording resolver hears only the workbench. What the
    # page asks for is recorded by Playwright before any look-up, so nothing of the app's
    # is hidden by this.
    with browser(extra=("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",)) as page:
        page.on("request", note)
        start(page, url, "Probe Researcher")
        for title in ("Candidates", "Themes", "Map", "Logic model", "Validation", "Analysis", "Decision log",
                      "Export", "Study"):
            go(page, title)
        go(page, "Candidates")
        page.get_by_role("button", name="Accept as a theme").click()
        page.get_by_text("Accepted R1-").first.wait_for()
        settle(page)
        go(page, "Map")
        page.get_by_role("button", name=re.compile("Lay out the map")).click()
        page.locator(".js-plotly-plot").first.wait_for()
        settle(page)
        go(page, "Export")
    return elsewhere, seen


CONTROL = """
import glob, sys, time
import onnxruntime
onnxruntime.InferenceSession(glob.glob(sys.argv[1])[0], providers=["CPUExecutionProvider"])
time.sleep(60)
"""


def control(work: Path, env: dict[str, str]) -> list[str]:
    """Plain ONNX Runtime, without the workbench's switch, in its own empty HOME: the names it looks up.

    The proof that the resolver hears what native code asks for: a check that heard
    nothing here could not be trusted to have heard nothing from the workbench.
    """
    from workbench.engine.embed import cache_dir

    home = work / "control-home"
    home.mkdir()
    plain = {k: v for k, v in env.items() if k != "ORT_DISABLE_TELEMETRY"} | {"HOME": str(home)}
    before = len(names)
    proc = subprocess.Popen([sys.executable, "-c", CONTROL, str(cache_dir() / "onnx" / "*" / "model.onnx")],
                            env=plain, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(names) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.kill()
    proc.wait()
    return sorted({name for name, _ in names[before:]})


def main(work: Path) -> None:
    isolate(work)
    home = work / "home"
    home.mkdir()
    # The model export and compiled layouts stay in the usual cache (preparing them again
    # would take minutes); everything else a process writes under HOME lands in the new one.
    from workbench.engine.embed import cache_dir

    env = {**os.environ, "HOME": str(home), "PYTHONUNBUFFERED": "1", "WORKBENCH_CACHE_DIR": str(cache_dir())}
    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        env.pop(variable, None)
    # A shell that tried to turn telemetry back on: the workbench must turn it off again.
    env["ORT_DISABLE_TELEMETRY"] = "0"
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("DO_NOT_TRACK", None)
    study = str(work / "study")
    transcripts = sorted((CORPUS / "transcripts").iterdir())[:6]
    steps = [
        ("init", ["init", study, "--by", "probe"]),
        ("ingest", ["ingest", "--study", study, "--by", "probe", "--participants", str(CORPUS / "participants.csv"),
                    *map(str, transcripts)]),
        ("discover", ["discover", "--study", study, "--by", "probe", "--runs", "3"]),
        ("scan", ["scan", "--study", study]),
        ("decide", ["decide", "accept", "--study", study, "--by", "probe", "--why", "probe", "C00"]),
        ("export-codebook", ["export", "codebook", "--study", study, "--out", str(work / "out" / "codebook.qdc")]),
        ("export-log", ["export", "log", "--study", study, "--out", str(work / "out" / "log.jsonl")]),
        ("export-assignments", ["export", "assignments", "--study", study, "--out",
                                str(work / "out" / "assignments.csv")]),
        ("export-xlsx", ["export", "codebook", "--study", study, "--out", str(work / "out" / "codebook.xlsx")]),
        ("export-docx", ["export", "codebook", "--study", study, "--out", str(work / "out" / "codebook.docx")]),
    ]
    (work / "out").mkdir()
    result: dict[str, object] = {"steps": {}, "connections": {}}
    for name, args in steps:
        done = subprocess.run([*traced(work, name), sys.executable, "-m", "workbench", *args], env=env,
                              capture_output=True, text=True, timeout=900)
        result["steps"][name] = {"rc": done.returncode, "stderr": done.stderr[-2000:]}
        result["connections"][name] = outward(work / f"{name}.strace")

    with serve(study, work / "app.log", wrap=tuple(traced(work, "app")), env=env) as (url, _):
        elsewhere, seen = browse(url)
        result["browser"] = {"elsewhere": elsewhere, "requests": len(seen)}
    result["connections"]["app"] = outward(work / "app.strace")
    result["names"] = sorted({name for name, _ in names})
    result["askers"] = sorted({f"{name} <- {asker}" for name, asker in names})
    result["control"] = control(work, env)
    result["home"] = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    (work / "probe.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
