"""docs/lab.md: every command of the lab runs and gives the answer the lab
says.

A checked step is a fenced block tagged `lab-command` (a shell command, run
with bash from the top of a copy of the repository, `tshark` being tshark
with the built plugin and the Finesse profile installed in its HOME)
followed by a block tagged `lab-expected` (the whole output) or
`lab-expected-contains` (lines that must appear, in this order). Lines are
compared with runs of white space collapsed, so tabs and column padding do
not matter. A command tagged `needs-stats` uses -z xmppws,*; it is skipped
while proto_reg_handoff_xmppws() does not call xmppws_handoff_stats().
"""
import os
import re
import shutil
import stat
import subprocess
import unittest

import xmppws_test
from xmppws_test import ROOT, capture
from test_stats import _handoff_calls_stats

LAB = os.path.join(ROOT, "docs", "lab.md")
IMAGE_MAX_BYTES = 300 * 1024

FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```\s*$", re.M | re.S)


def lab_steps():
    """[(line, command, needs_stats, mode, expected lines)] from lab.md."""
    with open(LAB, encoding="utf-8") as f:
        text = f.read()
    blocks = []
    for m in FENCE.finditer(text):
        info = m.group(1).split()
        blocks.append((text.count("\n", 0, m.start()) + 1, info, m.group(2)))
    steps = []
    for i, (line, info, body) in enumerate(blocks):
        if "lab-command" not in info:
            if "lab-expected" in info or "lab-expected-contains" in info:
                assert i > 0 and "lab-command" in blocks[i - 1][1], "lab.md:%d: expected output without a command" % line
            continue
        assert i + 1 < len(blocks), "lab.md:%d: command without expected output" % line
        exp_info, exp_body = blocks[i + 1][1], blocks[i + 1][2]
        mode = "exact" if "lab-expected" in exp_info else "contains" if "lab-expected-contains" in exp_info else None
        assert mode, "lab.md:%d: a lab-command must be followed by a lab-expected(-contains) block" % line
        steps.append((line, body.strip(), "needs-stats" in info, mode, exp_body.splitlines()))
    return steps


def normalize(lines):
    return [" ".join(l.split()) for l in lines]


class _Env:
    """A bin folder with a `tshark` that runs the real one with the plugin
    (as nobody when root, as tshark needs) and a HOME holding the Finesse
    profile; commands run in the test scratch folder, whose captures/ holds
    readable copies of the bundled captures."""

    def __init__(self):
        capture("finesse-login.pcapng")
        self.scratch = xmppws_test._scratch_dir()
        self.tmp, home = xmppws_test.finesse_profile_home("xmppws-lab-")
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        real = shutil.which("tshark", path="/usr/sbin:/usr/bin:/sbin:/bin")
        env = {"HOME": home, "WIRESHARK_PLUGIN_DIR": os.path.join(self.scratch, "plugins"), "LC_ALL": "C.UTF-8"}
        if xmppws_test.SANITIZERS:
            env.update(xmppws_test._asan_env())
        prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups -- " if os.geteuid() == 0 else ""
        wrapper = os.path.join(self.bin, "tshark")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nexec %senv %s %s \"$@\"\n" % (
                prefix, " ".join("'%s=%s'" % kv for kv in env.items()), real))
        os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def run(self, command):
        for name in re.findall(r"captures/([\w.-]+\.pcapng)", command):
            capture(name)
        env = {"PATH": self.bin + ":/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"}
        return subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True,
                              env=env, cwd=self.scratch, timeout=600)

    def cleanup(self):
        shutil.rmtree(self.tmp, True)


class LabAnswers(unittest.TestCase):
    env = None

    @classmethod
    def setUpClass(cls):
        cls.env = _Env()

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()

    def check_step(self, line, command, needs_stats, mode, expected):
        if needs_stats and not _handoff_calls_stats():
            self.skipTest("lab.md:%d uses -z xmppws,*: proto_reg_handoff_xmppws() does not call "
                          "xmppws_handoff_stats() yet" % line)
        proc = self.env.run(command)
        self.assertEqual(proc.returncode, 0, "lab.md:%d: %s\n%s" % (line, command, proc.stderr))
        if xmppws_test.SANITIZERS:
            self.assertNotIn("runtime error:", proc.stderr)
            self.assertNotIn("ERROR: AddressSanitizer", proc.stderr)
        got = normalize(proc.stdout.rstrip("\n").splitlines())
        want = normalize(expected)
        if mode == "exact":
            self.assertEqual(got, want, "lab.md:%d: %s" % (line, command))
        else:
            pos = 0
            for w in want:
                while pos < len(got) and got[pos] != w:
                    pos += 1
                self.assertLess(pos, len(got), "lab.md:%d: line %r not found (in order) in the output of %s:\n%s"
                                % (line, w, command, proc.stdout))
                pos += 1


def _add_step_tests():
    for line, command, needs_stats, mode, expected in lab_steps():
        def test(self, a=(line, command, needs_stats, mode, expected)):
            self.check_step(*a)
        test.__doc__ = "lab.md:%d" % line
        setattr(LabAnswers, "test_line_%04d" % line, test)


_add_step_tests()


class LabPage(unittest.TestCase):
    def test_enough_checked_steps(self):
        steps = lab_steps()
        self.assertGreaterEqual(len(steps), 20)
        commands = " ".join(s[1] for s in steps)
        # every exercise of the lab is checked
        for needle in ["xmppws.sasl.mechanism", "xmppws.sasl.password", "xmppws.bind.jid", "xmppws.response_time",
                       "xmppws.login.time_to_bind", "anomaly-wrong-password", "finesse.user.state", "-z credentials",
                       "-z xmppws,ladder", "-C Finesse"]:
            self.assertIn(needle, commands)

    def test_images(self):
        with open(LAB, encoding="utf-8") as f:
            images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", f.read())
        self.assertGreaterEqual(len(images), 4)
        for img in images:
            path = os.path.join(ROOT, "docs", img)
            self.assertTrue(os.path.exists(path), img)
            self.assertLess(os.path.getsize(path), IMAGE_MAX_BYTES, img)
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", img)


if __name__ == "__main__":
    unittest.main()
