"""Shared test helpers: run tshark with the built plugin on a capture.

tshark run as root ignores WIRESHARK_PLUGIN_DIR and the personal plugin
folder, so when the tests run as root tshark is run as nobody (65534) through
setpriv, on copies of the plugin and the capture in a world-readable scratch
folder. Environment (set by test/CMakeLists.txt):
  XMPPWS_PLUGIN_DIR  build/plugins (holds 4.0/epan/finesse-xmpp.so)
  XMPPWS_CAPTURES    the captures/ folder
  XMPPWS_SANITIZERS  "ON" when the plugin was built with ASan+UBSan
"""
import atexit
import json
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLUGIN_DIR = os.environ.get("XMPPWS_PLUGIN_DIR", os.path.join(ROOT, "build", "plugins"))
CAPTURES = os.environ.get("XMPPWS_CAPTURES", os.path.join(ROOT, "captures"))
SANITIZERS = os.environ.get("XMPPWS_SANITIZERS", "OFF").upper() in ("ON", "1", "TRUE")

_scratch = None


def _scratch_dir():
    """A world-readable copy of the plugin folder and a HOME for tshark."""
    global _scratch
    if _scratch is None:
        _scratch = tempfile.mkdtemp(prefix="xmppws-test-")
        os.chmod(_scratch, 0o755)
        shutil.copytree(PLUGIN_DIR, os.path.join(_scratch, "plugins"))
        home = os.path.join(_scratch, "home")
        os.mkdir(home)
        os.mkdir(os.path.join(_scratch, "captures"))
        # No extcap helpers: under the sanitizer preload they hang, and
        # `tshark -G defaultprefs` waits for them (and keeps their pipes open).
        os.mkdir(os.path.join(_scratch, "extcap"))
        for dirpath, dirnames, filenames in os.walk(_scratch):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o777 if d == "home" else 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o755)
        atexit.register(shutil.rmtree, _scratch, True)
    return _scratch


def finesse_profile_home(prefix, setup=None):
    """A new world-readable temporary folder with home/ in it, where the
    Finesse profile is installed as Wireshark 4.0 finds it
    (~/.config/wireshark/profiles/Finesse). setup(conf), if given, may add
    files under conf (~/.config/wireshark) first; then everything under
    home/ is made writable for nobody, who runs Wireshark. Returns
    (folder, home)."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.chmod(tmp, 0o755)
    home = os.path.join(tmp, "home")
    conf = os.path.join(home, ".config", "wireshark")
    shutil.copytree(os.path.join(ROOT, "profiles", "Finesse"), os.path.join(conf, "profiles", "Finesse"))
    if setup:
        setup(conf)
    for dirpath, _, filenames in os.walk(home):
        os.chmod(dirpath, 0o777)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o666)
    return tmp, home


def capture(name):
    """Path of a bundled capture (in a folder tshark's user can read)."""
    src = name if os.path.isabs(name) else os.path.join(CAPTURES, name)
    if not os.path.exists(src):
        raise FileNotFoundError(src)
    dst = os.path.join(_scratch_dir(), "captures", os.path.basename(src))
    if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o644)
    return dst


def _asan_env():
    lib = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    ubsan = subprocess.run(["gcc", "-print-file-name=libubsan.so"], capture_output=True, text=True).stdout.strip()
    return {
        "LD_PRELOAD": "%s %s" % (lib, ubsan),
        # tshark itself is not built for LeakSanitizer: leaks at exit are not ours.
        "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:allocator_may_return_null=1",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    }


def tshark(args, check=True, extra_env=None):
    """Run tshark with the plugin; return its stdout (text)."""
    scratch = _scratch_dir()
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": os.path.join(scratch, "home"),
        "WIRESHARK_PLUGIN_DIR": os.path.join(scratch, "plugins"),
        "WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1",
        "LC_ALL": "C.UTF-8",
        "WIRESHARK_EXTCAP_DIR": os.path.join(scratch, "extcap"),
    }
    if SANITIZERS:
        env.update(_asan_env())
    if extra_env:
        env.update(extra_env)
    cmd = ["tshark"] + list(args)
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=scratch, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError("tshark %s failed (%d):\n%s" % (" ".join(args), proc.returncode, proc.stderr))
    if SANITIZERS and ("ERROR: AddressSanitizer" in proc.stderr or "runtime error:" in proc.stderr):
        raise AssertionError("sanitizer report:\n" + proc.stderr)
    return proc.stdout


# FT_ABSOLUTE_TIME fields: -T fields prints them as "Nov 21, 2026 10:15:00.000000000 UTC" on 4.0 and
# as "2026-11-21T10:15:00.000000000Z" from 4.4 on; fields() gives the latter on every version.
TIME_FIELDS = {"finesse.user.state_change_time", "finesse.participant.start_time",
               "finesse.participant.state_change_time", "finesse.system.timestamp",
               "finesse.queue.longest_call_start"}


def utc(value):
    """An absolute time as -T fields prints it (UTC display), as ISO 8601 with nanoseconds."""
    import datetime
    if not value or re.match(r"\d{4}-\d\d-\d\dT", value):
        return value
    m = re.match(r"(\w{3} +\d+, \d{4} \d\d:\d\d:\d\d)\.(\d{9}) UTC$", value)
    if not m:
        raise ValueError("not an absolute time: %r" % value)
    when = datetime.datetime.strptime(" ".join(m.group(1).split()), "%b %d, %Y %H:%M:%S")
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + m.group(2) + "Z"


def fields(cap, names, display_filter=None, extra=()):
    """Rows of -T fields output, one list of values per frame that passes the
    filter; several occurrences of a field are joined with '|'; absolute
    times (TIME_FIELDS) in one form on every version (utc())."""
    args = ["-n", "-r", capture(cap), "-T", "fields", "-E", "separator=\t", "-E", "aggregator=|",
            "-E", "occurrence=a"]
    for n in names:
        args += ["-e", n]
    if display_filter:
        args += ["-Y", display_filter]
    args += list(extra)
    out = tshark(args)
    rows = [line.split("\t") for line in out.splitlines()]
    times = [i for i, n in enumerate(names) if n in TIME_FIELDS]
    for row in rows:
        for i in times:
            if i < len(row) and row[i]:
                row[i] = "|".join(utc(v) for v in row[i].split("|"))
    return rows


# xmppws.stage as -T fields prints it (the number; the name is its value string)
STAGE = {"none": "0", "stream-open": "1", "sasl": "2", "restart": "3", "bind": "4", "session": "5",
         "established": "6", "closing": "7", "closed": "8", "unknown": "9"}

# finesse.kind as -T fields prints it
KIND = {"other": "0", "user": "1", "dialog": "2", "team": "3", "queue": "4", "system_info": "5", "api_errors": "6"}
KIND_NAME = {v: k for k, v in KIND.items()}


def stages(*names):
    """The numbers -T fields prints for these stage names, '|'-joined."""
    return "|".join(STAGE[n] for n in names)


_version = None


def our_filter_names():
    """Every filter name of the plugin (protocols, fields, expert infos), from
    tshark -G fields: a frame matches one of them exactly when the plugin
    added something to it."""
    names = []
    for line in tshark(["-G", "fields"]).splitlines():
        cols = line.split("\t")
        if len(cols) > 2 and cols[0] in ("P", "F") and cols[2].split(".")[0] in ("xmppws", "finesse"):
            names.append(cols[2])
    return names


def wireshark_version():
    """(major, minor) of the tshark the tests run, e.g. (4, 6)."""
    global _version
    if _version is None:
        import re
        first = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        m = re.search(r"(\d+)\.(\d+)\.\d+", first)
        _version = (int(m.group(1)), int(m.group(2)))
    return _version


def flag(value):
    """An FT_BOOLEAN as -T fields prints it, as 1 or 0: 4.0 prints 1/0,
    4.4 and later True/False."""
    return {"True": "1", "False": "0"}.get(value, value)


def column(cap, name, display_filter=None):
    """All values of one field, flattened over frames and occurrences."""
    vals = []
    for row in fields(cap, [name], display_filter):
        if row[0]:
            vals.extend(row[0].split("|"))
    return vals


def info(cap, display_filter="xmppws"):
    """(frame number, Info column) for every frame passing the filter."""
    return [(int(r[0]), r[1]) for r in fields(cap, ["frame.number", "_ws.col.Info"], display_filter)]


SEVERITY = {0x00100000: "Comment", 0x00200000: "Chat", 0x00400000: "Note", 0x00600000: "Warning",
            0x00800000: "Error"}


def experts(cap, display_filter=None, two_pass=True):
    """(frame, expert message, severity name, group number) of every expert
    info in frames that hold XMPP over WebSocket (or pass display_filter).
    Two passes by default: some expert infos need the whole capture."""
    rows = fields(cap, ["frame.number", "_ws.expert.message", "_ws.expert.severity", "_ws.expert.group"],
                  display_filter or "_ws.expert && (xmppws || finesse)", extra=["-2"] if two_pass else [])
    out = []
    for r in rows:
        msgs, sevs, grps = r[1].split("|"), r[2].split("|"), r[3].split("|")
        for m, sv, g in zip(msgs, sevs, grps):
            out.append((int(r[0]), m, SEVERITY.get(int(sv), sv), int(g)))
    return out


def pdml_json(cap, display_filter=None):
    args = ["-n", "-r", capture(cap), "-T", "json"]
    if display_filter:
        args += ["-Y", display_filter]
    return json.loads(tshark(args))


def expert_infos(cap, display_filter=None, two_pass=True, prefixes=("xmppws.", "finesse.")):
    """Every expert info of ours as a dict: frame, stream (tcp.stream), name
    (the registered expert name, e.g. xmppws.second_open), message and
    severity name. Read from PDML, which names the expert field."""
    import xml.etree.ElementTree as ET
    args = ["-n", "-r", capture(cap), "-T", "pdml"] + (["-2"] if two_pass else [])
    if display_filter:
        args += ["-Y", display_filter]
    root = ET.fromstring(tshark(args))
    out = []
    for packet in root.iter("packet"):
        frame = stream = None
        for f in packet.iter("field"):
            if f.get("name") == "frame.number":
                frame = int(f.get("show"))
            elif f.get("name") == "tcp.stream" and stream is None:
                stream = int(f.get("show"))
        for ex in packet.iter("field"):
            if ex.get("name") != "_ws.expert":
                continue
            names = [c.get("name") for c in ex if c.get("name", "").startswith(prefixes)]
            msg = next((c.get("show") for c in ex if c.get("name") == "_ws.expert.message"), "")
            sev = next((c.get("show") for c in ex if c.get("name") == "_ws.expert.severity"), "0")
            for n in names:
                out.append({"frame": frame, "stream": stream, "name": n, "message": msg,
                            "severity": SEVERITY.get(int(sev), sev)})
    return out
