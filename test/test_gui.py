"""The plugin in the real Wireshark GUI (Qt, on a private Xvfb display).

Wireshark opens a bundled capture at a frame with the built plugin and the
Finesse profile; the test selects the "XMPP over WebSocket" item of the
packet details and copies its description (Edit > Copy > Description,
Ctrl+Alt+Shift+D), reads it back from the X clipboard and compares it with
what tshark shows for the same item. Skipped, with the reason, only when
wireshark-qt, xvfb, xdotool or xclip are not installed (tools/deps.sh
installs them). Every GUI step is bounded by a timeout.
"""
import os
import shutil
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

import xmppws_test
from xmppws_test import capture, fields, tshark

WIDTH, HEIGHT = 1400, 1000
TOOLS = ["wireshark", "Xvfb", "xdotool", "xclip"]
MISSING = [t for t in TOOLS if not shutil.which(t, path="/usr/sbin:/usr/bin:/sbin:/bin")]


def tshark_description(cap, frame, proto="xmppws"):
    """The showname of protocol `proto`'s top item in frame `frame`."""
    pdml = tshark(["-n", "-r", capture(cap), "-Y", "frame.number == %d" % frame, "-T", "pdml"])
    for p in ET.fromstring(pdml).iter("proto"):
        if p.get("name") == proto:
            return p.get("showname")
    raise AssertionError("no %s in frame %d of %s" % (proto, frame, cap))


@unittest.skipIf(MISSING, "not installed: %s (apt-get install wireshark-qt xvfb xdotool xclip, "
                          "or bash tools/deps.sh)" % ", ".join(MISSING))
class Gui(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        capture("finesse-login.pcapng")
        cls.scratch = xmppws_test._scratch_dir()
        def window(conf):
            with open(os.path.join(conf, "recent_common"), "w") as f:
                f.write("gui.geometry_main_x: 0\ngui.geometry_main_y: 0\ngui.geometry_main_width: %d\n"
                        "gui.geometry_main_height: %d\ngui.geometry_main_maximized: FALSE\n"
                        "privs.warn_if_elevated: FALSE\nsys.warn_if_no_capture: FALSE\n" % (WIDTH, HEIGHT))
            # no bytes pane: the lower part of the window is the packet details
            with open(os.path.join(conf, "profiles", "Finesse", "recent"), "a") as f:
                f.write("gui.byte_view_show: FALSE\ngui.geometry_main_upper_pane: 300\n")
        cls.tmp, home = xmppws_test.finesse_profile_home("xmppws-gui-", window)
        run = os.path.join(cls.tmp, "run")
        os.mkdir(run, 0o700)
        extcap = os.path.join(cls.tmp, "extcap")     # no extcap helpers: nothing left running
        os.mkdir(extcap, 0o755)
        if os.geteuid() == 0:
            os.chown(run, 65534, 65534)
        cls.user_env = {"HOME": home, "WIRESHARK_PLUGIN_DIR": os.path.join(cls.scratch, "plugins"),
                        "XDG_RUNTIME_DIR": run, "WIRESHARK_EXTCAP_DIR": extcap, "LC_ALL": "C.UTF-8"}
        if xmppws_test.SANITIZERS:
            cls.user_env.update(xmppws_test._asan_env())
        # a private display
        cls.display_file = os.path.join(cls.tmp, "display")
        with open(cls.display_file, "w") as out:
            cls.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(out.fileno()), "-screen", "0",
                                         "%dx%dx24" % (WIDTH, HEIGHT), "-nolisten", "tcp"],
                                        pass_fds=(out.fileno(),), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline and not open(cls.display_file).read().strip():
            time.sleep(0.1)
        display = open(cls.display_file).read().strip()
        if not display:
            cls.xvfb.kill()
            raise AssertionError("Xvfb did not start")
        cls.x_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DISPLAY": ":" + display}

    @classmethod
    def tearDownClass(cls):
        cls.xvfb.terminate()
        try:
            cls.xvfb.wait(10)
        except subprocess.TimeoutExpired:
            cls.xvfb.kill()
        shutil.rmtree(cls.tmp, True)

    def x(self, *args, timeout=30, check=True):
        """Run an X client (xdotool, xclip) on the private display."""
        return subprocess.run(list(args), capture_output=True, text=True, env=self.x_env, timeout=timeout,
                              check=check).stdout

    def open_gui(self, cap, frame):
        """Wireshark -C Finesse -r cap -g frame; returns (process, window id, log path)."""
        log = os.path.join(self.tmp, "wireshark-%s-%d.log" % (cap, frame))
        cmd = ["timeout", "120", "wireshark", "-C", "Finesse", "-r", capture(cap), "-g", str(frame)]
        if os.geteuid() == 0:
            cmd = ["timeout", "120", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd[2:]
        env = dict(self.x_env, **self.user_env)
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.scratch)
        try:
            win = self.x("xdotool", "search", "--sync", "--name", "^%s$" % cap.replace(".", "\\."), timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("no Wireshark window for %s:\n%s" % (cap, open(log).read()))
        time.sleep(2)
        return proc, win.split()[0], log

    def close_gui(self, proc):
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def copied_description(self):
        self.x("xdotool", "key", "--clearmodifiers", "ctrl+alt+shift+d")
        time.sleep(0.3)
        return self.x("xclip", "-o", "-selection", "clipboard", timeout=5, check=False).strip()

    def xmpp_item(self, win):
        """Focus the packet details, select the XMPP over WebSocket item
        (the last top-level one, or a few above) and return its description."""
        self.x("xdotool", "mousemove", "--window", win, str(WIDTH // 2), str(HEIGHT - 60), "click", "1")
        time.sleep(0.3)
        self.x("xdotool", "key", "End")
        desc = ""
        for _ in range(6):
            desc = self.copied_description()
            if desc.startswith("XMPP over WebSocket"):
                break
            self.x("xdotool", "key", "Up")
        return desc

    def check_frame(self, cap, frame):
        proc, win, log = self.open_gui(cap, frame)
        try:
            self.assertEqual(self.x("xdotool", "getwindowname", win).strip(), cap)
            desc = self.xmpp_item(win)
        finally:
            self.close_gui(proc)
        self.assertEqual(desc, tshark_description(cap, frame))
        with open(log, encoding="utf-8", errors="replace") as f:
            out = f.read()
        self.assertNotIn("finesse-xmpp", out, "plugin load problem:\n" + out)
        if xmppws_test.SANITIZERS:
            self.assertNotIn("runtime error:", out)
            self.assertNotIn("ERROR: AddressSanitizer", out)
        return desc

    def test_bind_result_in_the_gui(self):
        frame = int(fields("finesse-login.pcapng", ["frame.number"], "xmppws.bind.jid")[0][0])
        desc = self.check_frame("finesse-login.pcapng", frame)
        self.assertEqual(desc, "XMPP over WebSocket, S\u2192C: iq result bind jid=administrator@uccxpub.prabhat.com/desktop")

    def test_finesse_event_in_the_gui(self):
        frame = int(fields("finesse-login.pcapng", ["frame.number"], 'finesse.user.state == "NOT_READY"')[0][0])
        desc = self.check_frame("finesse-login.pcapng", frame)
        self.assertIn("Finesse PUT User administrator NOT_READY (reason 32762 Lunch)", desc)


if __name__ == "__main__":
    unittest.main()
