"""The "Finesse" configuration profile (profiles/Finesse): every display
filter in it compiles and matches the frames it is meant for on the bundled
captures, the profile loads in tshark (-C Finesse) with its columns, its
heuristics decode captures that start after the login, and `cmake
--install` puts it where Wireshark looks.
"""
import codecs
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import xmppws_test
from xmppws_test import PLUGIN_DIR, ROOT, capture, tshark

PROFILE = os.path.join(ROOT, "profiles", "Finesse")


def colorfilters():
    """[(name, filter)] of the enabled rules, in file order
    (epan/color_filters.c: @name@filter@[bg][fg])."""
    rules = []
    with open(os.path.join(PROFILE, "colorfilters"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^@([^@]+)@([^@]+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$", line)
            assert m, "bad colorfilters line: %r" % line
            assert all(0 <= int(c) <= 65535 for c in m.groups()[2:]), line
            rules.append((m.group(1), m.group(2)))
    return rules


def _uat_field(s):
    """A UAT string field: \\xNN escapes (epan/uat_load.l)."""
    return codecs.decode(s, "unicode_escape") if "\\" in s else s


def dfilter_buttons():
    """{label: (enabled, filter, comment)} of dfilter_buttons (a UAT:
    "enabled","label","expression","comment")."""
    buttons = {}
    with open(os.path.join(PROFILE, "dfilter_buttons"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = re.findall(r'"((?:[^"\\]|\\.)*)"(?:,|$)', line)
            assert len(fields) == 4 and line == ",".join('"%s"' % x for x in fields), "bad UAT line: %r" % line
            enabled, label, expression, comment = (_uat_field(x) for x in fields)
            assert enabled in ("TRUE", "FALSE"), line
            assert '"' not in fields[2], "a double quote in a UAT field must be written \\x22: %r" % line
            buttons[label] = (enabled == "TRUE", expression, comment)
    return buttons


class ProfileHome:
    """A HOME holding .config/wireshark/profiles/Finesse (a copy of the
    profile), readable and writable by the user tshark runs as."""

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="xmppws-profile-")
        dst = os.path.join(self.home, ".config", "wireshark", "profiles", "Finesse")
        shutil.copytree(PROFILE, dst)
        for dirpath, dirnames, filenames in os.walk(self.home):
            os.chmod(dirpath, 0o777)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o666)

    def tshark(self, args, stderr=False):
        """tshark -C Finesse with this HOME: stdout, or (stdout, stderr)."""
        if not stderr:
            return tshark(["-C", "Finesse"] + list(args), extra_env={"HOME": self.home})
        # the same run as xmppws_test.tshark(), keeping stderr
        capture("finesse-login.pcapng")      # makes the scratch folder with the plugin
        scratch = xmppws_test._scratch_dir()
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": self.home, "LC_ALL": "C.UTF-8",
               "WIRESHARK_PLUGIN_DIR": os.path.join(scratch, "plugins")}
        if xmppws_test.SANITIZERS:
            env.update(xmppws_test._asan_env())
        cmd = ["tshark", "-C", "Finesse"] + list(args)
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=scratch, timeout=300)
        return proc.stdout, proc.stderr

    def cleanup(self):
        shutil.rmtree(self.home, True)


def frames(cap, display_filter, home=None):
    # -2: the GUI filters after its first pass, when what only the whole
    # capture tells (no response, no <close/>) is known
    args = ["-n", "-2", "-r", capture(cap), "-Y", display_filter, "-T", "fields", "-e", "frame.number"]
    out = home.tshark(args) if home else tshark(args)
    return [int(x) for x in out.split()]


class Files(unittest.TestCase):
    def test_formats(self):
        self.assertGreaterEqual(len(colorfilters()), 10)
        self.assertEqual(sorted(dfilter_buttons()), sorted(["Handshake", "SASL", "Bind", "Pubsub", "Errors",
                                                            "Disconnects", "Agent states"]))
        with open(os.path.join(PROFILE, "heuristic_protos"), encoding="utf-8") as f:
            heur = [l.split("#")[0].strip() for l in f if l.split("#")[0].strip()]
        self.assertEqual(heur, ["xmppws_ws,1", "xmppws_tcp,1"])
        # the names are heuristics tshark knows (it refuses to disable an unknown one)
        for h in heur:
            tshark(["--disable-heuristic", h.split(",")[0], "-r", capture("finesse-login.pcapng"), "-c", "1"])

    def test_every_filter_compiles(self):
        filters = [f for _, f in colorfilters()] + [b[1] for b in dfilter_buttons().values()]
        for flt in filters:
            # tshark fails (and the helper raises) on a filter that does not compile
            tshark(["-n", "-r", capture("finesse-login.pcapng"), "-c", "1", "-Y", flt])


class Buttons(unittest.TestCase):
    """Each dfilter button on the captures it is for."""

    def button(self, label):
        enabled, expression, comment = dfilter_buttons()[label]
        self.assertTrue(enabled)
        self.assertTrue(comment)
        return expression

    def test_handshake(self):
        self.assertEqual(frames("finesse-login.pcapng", self.button("Handshake")), list(range(8, 18)))

    def test_sasl(self):
        self.assertEqual(frames("finesse-login.pcapng", self.button("SASL")), [10, 11])
        self.assertEqual(frames("scram-login.pcapng", self.button("SASL")), [10, 11, 13, 14])

    def test_bind(self):
        self.assertEqual(frames("finesse-login.pcapng", self.button("Bind")), [14, 15, 16, 17])

    def test_pubsub(self):
        self.assertEqual(frames("finesse-login.pcapng", self.button("Pubsub")), [22, 24, 25, 26, 28, 30, 32])

    def test_errors(self):
        """Every failure and disconnect sign, nothing of a clean session."""
        errors = self.button("Errors")
        self.assertEqual(frames("finesse-login.pcapng", errors), [])
        self.assertEqual(frames("transport-mid-session.pcapng", errors), [])
        self.assertEqual(frames("anomaly-wrong-password.pcapng", errors), [11])
        # the unclosed element (no response) and the not-well-formed stream error
        self.assertEqual(frames("anomaly-malformed-xml.pcapng", errors), [10, 11])
        self.assertEqual(frames("anomaly-missing-node.pcapng", errors), [26])
        self.assertEqual(frames("anomaly-resource-conflict.pcapng", errors), [36])
        # the apiErrors notification, SystemInfo OUT_OF_SERVICE, the forced LOGOUT
        self.assertEqual(frames("finesse-agent-session.pcapng", errors), [50, 62, 66])
        # the unanswered ping (last message, no <close/>) and the TCP RST that ended the connection
        self.assertEqual(frames("anomaly-dropped-socket.pcapng", errors), [22, 24])

    def test_disconnects(self):
        """Where connections ended, and the signs of why."""
        button = self.button("Disconnects")
        self.assertEqual(frames("finesse-login.pcapng", button), [35, 37, 38])
        self.assertEqual(frames("anomaly-dropped-socket.pcapng", button), [22, 24])
        self.assertEqual(frames("finesse-agent-session.pcapng", button), [66, 69, 70, 71, 72])

    def test_agent_states(self):
        self.assertEqual(frames("finesse-login.pcapng", self.button("Agent states")), [28, 30, 32])
        self.assertEqual(frames("finesse-agent-session.pcapng", self.button("Agent states")),
                         [32, 34, 36, 38, 40, 46, 58, 60, 66])


class Loaded(unittest.TestCase):
    """tshark -C Finesse with the profile in ~/.config/wireshark/profiles."""

    @classmethod
    def setUpClass(cls):
        cls.home = ProfileHome()

    @classmethod
    def tearDownClass(cls):
        cls.home.cleanup()

    def coloring(self, cap):
        """{frame: coloring rule name} with the profile's colorfilters."""
        out = self.home.tshark(["--color", "-n", "-r", capture(cap), "-T", "fields", "-e", "frame.number",
                                "-e", "frame.coloring_rule.name"])
        rows = [l.split("\t") for l in out.splitlines()]
        return {int(r[0]): r[1] for r in rows}

    def test_loads_without_complaint(self):
        out, err = self.home.tshark(["--color", "-n", "-r", capture("finesse-login.pcapng")], stderr=True)
        self.assertIn("XMPP/WS", out)
        self.assertEqual(err.strip(), "", "tshark -C Finesse complains:\n" + err)

    def test_columns(self):
        # The profile's custom columns (Connection, Direction, Stage, Agent state) sit between Protocol and Length in
        # tshark's default output. (4.4 and later refuse -e _ws.col.<custom title>, so read the lines.)
        lines = {}
        for l in self.home.tshark(["-n", "-r", capture("finesse-login.pcapng"), "-Y", "xmppws"]).splitlines():
            lines[int(l.split()[0])] = " ".join(l.split())
        self.assertRegex(lines[10], r"XMPP/WS 0 client to server sasl \d+ auth ")
        self.assertRegex(lines[15], r"XMPP/WS 0 server to client bind \d+ iq result ")
        self.assertRegex(lines[28], r"XMPP/WS 0 server to client established NOT_READY 1691 Finesse PUT User")
        self.assertRegex(lines[30], r"XMPP/WS 0 server to client established READY \d+ Finesse PUT User")

    def test_coloring_login(self):
        c = self.coloring("finesse-login.pcapng")
        expect = {1: "TCP SYN/FIN", 2: "TCP SYN/FIN", 4: "HTTP WebSocket upgrade", 6: "HTTP WebSocket upgrade",
                  8: "XMPP handshake", 9: "XMPP handshake", 10: "XMPP SASL", 11: "XMPP SASL",
                  12: "XMPP handshake", 13: "XMPP handshake", 14: "XMPP handshake", 15: "XMPP handshake",
                  16: "XMPP handshake", 17: "XMPP handshake", 18: "XMPP other", 19: "XMPP other", 20: "XMPP other",
                  22: "XMPP pubsub", 24: "XMPP pubsub", 25: "XMPP pubsub", 26: "XMPP pubsub",
                  28: "Finesse agent NOT_READY or LOGOUT", 30: "Finesse agent READY", 32: "Finesse agent READY",
                  34: "XMPP close", 35: "XMPP close", 37: "WebSocket control frame", 38: "TCP RST"}
        self.assertEqual({f: r for f, r in c.items() if r}, expect)

    def test_coloring_errors_and_finesse(self):
        self.assertEqual(self.coloring("anomaly-wrong-password.pcapng")[11], "XMPP SASL failure")
        self.assertEqual(self.coloring("anomaly-malformed-xml.pcapng")[11], "XMPP stream error")
        self.assertEqual(self.coloring("anomaly-missing-node.pcapng")[26], "XMPP stanza error")
        c = self.coloring("finesse-agent-session.pcapng")
        self.assertEqual((c[32], c[34], c[36], c[40]), ("Finesse agent state change", "Finesse agent NOT_READY or LOGOUT",
                                                        "Finesse agent READY", "Finesse agent state change"))
        self.assertEqual((c[42], c[50], c[62], c[64]), ("Finesse dialog", "Finesse API error", "Finesse out of service",
                                                        "XMPP pubsub"))
        self.assertEqual(c[66], "Finesse agent NOT_READY or LOGOUT")
        # every rule colours something in the bundled captures
        used = set()
        for cap in ["finesse-login.pcapng", "finesse-agent-session.pcapng", "anomaly-wrong-password.pcapng",
                    "anomaly-malformed-xml.pcapng", "anomaly-missing-node.pcapng", "anomalies-synthetic.pcapng"]:
            used |= set(self.coloring(cap).values())
        unused = [name for name, _ in colorfilters() if name not in used and name != "Bad TCP"]
        self.assertEqual(unused, [])

    def test_heuristics_decode_late_captures(self):
        # without the HTTP upgrade, XMPP is found by the xmppws_tcp heuristic the profile keeps on
        self.assertEqual(len(frames("transport-late-start.pcapng", "xmppws", self.home)), 23)
        self.assertEqual(len(frames("transport-mid-session.pcapng", "xmppws", self.home)), 5)

    def test_same_dissection_when_the_upgrade_is_captured(self):
        for cap in ["finesse-login.pcapng", "finesse-agent-session.pcapng", "anomalies-synthetic.pcapng"]:
            args = ["-n", "-r", capture(cap), "-T", "fields", "-e", "frame.protocols", "-e", "_ws.col.Info"]
            self.assertEqual(self.home.tshark(args), tshark(args), cap)


class Install(unittest.TestCase):
    def test_cmake_install(self):
        build = os.path.dirname(os.path.abspath(PLUGIN_DIR))
        cache = os.path.join(build, "CMakeCache.txt")
        if not os.path.exists(cache):
            self.skipTest("no CMake build folder at %s" % build)
        with open(cache, encoding="utf-8") as f:
            m = re.search(r"^FINESSE_XMPP_PROFILE_DIR:PATH=(.*)$", f.read(), re.M)
        self.assertTrue(m, "FINESSE_XMPP_PROFILE_DIR not in the CMake cache")
        profile_dir = m.group(1)
        self.assertTrue(profile_dir.endswith("/profiles/Finesse"), profile_dir)
        dest = tempfile.mkdtemp(prefix="xmppws-install-")
        try:
            env = dict(os.environ, DESTDIR=dest)
            subprocess.run(["cmake", "--install", build], check=True, capture_output=True, env=env, timeout=120)
            installed = dest + profile_dir
            self.assertEqual(sorted(os.listdir(installed)), sorted(os.listdir(PROFILE)))
            for name in os.listdir(PROFILE):
                with open(os.path.join(PROFILE, name), "rb") as a, open(os.path.join(installed, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)
        finally:
            shutil.rmtree(dest, True)


if __name__ == "__main__":
    unittest.main()
