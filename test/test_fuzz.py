"""Fuzzing regressions and a short fuzz smoke.

* Every input under test/fuzz-regressions/ (a fuzz-xmppws input: one
  WebSocket message, or several separated by the markers of
  fuzz/fuzz-xmppws.c) is replayed through tshark with the plugin of this
  build (as a capture written by fuzz/topcap.py, -2 -V, every dissector bug
  fatal) and, when the build has it, through the libFuzzer target.
* The smoke, in the build that has the libFuzzer target (the ASan build when
  clang is installed, CMake option ENABLE_FUZZER): 30 s of libFuzzer on a
  copy of fuzz/corpus with fuzz/xmpp.dict, then fuzz/mutate.sh on eleven
  small captures with fixed editcap seeds (deterministic). Skipped, with
  the reason, elsewhere. A crash found here is a real failure: add the
  input that libFuzzer saved (<build>/fuzz/smoke-artifacts/) to
  test/fuzz-regressions/.

Environment (test/CMakeLists.txt): XMPPWS_PLUGIN_DIR (<build>/plugins; the
fuzzer is <build>/fuzz/fuzz-xmppws), XMPPWS_SANITIZERS, XMPPWS_CAPTURES.
XMPPWS_FUZZ_SECONDS overrides the 30 s of libFuzzer.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import xmppws_test as xt

FUZZ_DIR = os.path.join(xt.ROOT, "fuzz")
REGRESSIONS = os.path.join(xt.HERE, "fuzz-regressions")
BUILD_FUZZ = os.path.join(os.path.dirname(os.path.abspath(xt.PLUGIN_DIR)), "fuzz")
FUZZER = os.path.join(BUILD_FUZZ, "fuzz-xmppws")
HAR_FUZZER = os.path.join(BUILD_FUZZ, "fuzz-har")
FUZZ_SECONDS = int(os.environ.get("XMPPWS_FUZZ_SECONDS", "30"))
# Small captures, each mutated once (fixed editcap seeds) by the editcap smoke;
# transport-wss-tls13 goes through mutate.sh's rewrite (4.0's editcap refuses
# its secrets-before-interface block order).
MUTATE_CAPTURES = ("finesse-login", "scram-login", "finesse-agent-session", "anomalies-synthetic",
                   "anomaly-malformed-xml", "cisco-doc-login", "transport-batched", "transport-fragmented",
                   "transport-wss-tls13", "bosh-prosody-strophe", "rest-notify")

sys.path.insert(0, FUZZ_DIR)
import topcap  # noqa: E402


def regression_inputs():
    return sorted(p for p in glob.glob(os.path.join(REGRESSIONS, "*"))
                  if os.path.isfile(p) and not p.endswith(".md"))


def have_fuzzer():
    return os.access(FUZZER, os.X_OK)


class FuzzRegressions(unittest.TestCase):
    def test_inputs_present(self):
        self.assertTrue(regression_inputs(), "test/fuzz-regressions/ holds no input")

    def test_replay_with_tshark(self):
        """Each regression input, as a capture, dissects without a
        sanitizer report, dissector bug or non-zero exit (both passes)."""
        scratch = tempfile.mkdtemp(prefix="xmppws-fuzzreg-")
        self.addCleanup(shutil.rmtree, scratch, True)
        for path in regression_inputs():
            with self.subTest(input=os.path.basename(path)):
                with open(path, "rb") as f:
                    data = f.read()
                cap = topcap.write(data, os.path.join(scratch, os.path.basename(path) + ".pcapng"))
                out = xt.tshark(["-n", "-2", "-V", "-r", xt.capture(cap)],
                                extra_env={"WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple"})
                self.assertIn("WebSocket", out)

    @unittest.skipUnless(have_fuzzer(), "the libFuzzer target is not built here (%s)" % FUZZER)
    def test_replay_with_fuzzer(self):
        inputs = regression_inputs()
        proc = subprocess.run([FUZZER] + inputs, capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr[-4000:])
        self.assertEqual(proc.stderr.count("Executed "), len(inputs), proc.stderr[-2000:])


class FuzzSmoke(unittest.TestCase):
    @unittest.skipUnless(have_fuzzer(), "the libFuzzer target is not built here (%s): build with clang, "
                         "-DENABLE_FUZZER=ON (on by default in the ASan build)" % FUZZER)
    def test_libfuzzer(self):
        work = tempfile.mkdtemp(prefix="xmppws-fuzzsmoke-")
        self.addCleanup(shutil.rmtree, work, True)
        corpus = os.path.join(work, "corpus")
        shutil.copytree(os.path.join(FUZZ_DIR, "corpus"), corpus)
        artifacts = os.path.join(BUILD_FUZZ, "smoke-artifacts")
        os.makedirs(artifacts, exist_ok=True)
        cmd = [FUZZER, "-seed=1", "-max_total_time=%d" % FUZZ_SECONDS, "-max_len=4096", "-timeout=20",
               "-rss_limit_mb=4096", "-print_final_stats=1", "-dict=" + os.path.join(FUZZ_DIR, "xmpp.dict"),
               "-artifact_prefix=" + artifacts + "/", corpus]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120)
        stats = [l for l in proc.stderr.splitlines() if l.startswith("stat::")]
        print("\n".join(stats), file=sys.stderr)
        self.assertEqual(proc.returncode, 0,
                         "libFuzzer found a crash; the input is in %s (add it to test/fuzz-regressions/):\n%s"
                         % (artifacts, proc.stderr[-6000:]))
        executed = [int(l.split()[-1]) for l in stats if l.startswith("stat::number_of_executed_units")]
        self.assertTrue(executed and executed[0] > 1000, "too few executions:\n" + "\n".join(stats))
        if not os.listdir(artifacts):
            os.rmdir(artifacts)

    def test_har_libfuzzer(self):
        """The HAR reader (har/har.c) under libFuzzer: 100,000 inputs from
        fuzz/har-corpus (the long campaign is in fuzz/README.md)."""
        if not os.path.exists(HAR_FUZZER):
            self.skipTest("no fuzz-har in this build (the ASan+UBSan build makes it)")
        work = tempfile.mkdtemp(prefix="xmppws-harfuzz-")
        self.addCleanup(shutil.rmtree, work, True)
        corpus = os.path.join(work, "corpus")
        shutil.copytree(os.path.join(FUZZ_DIR, "har-corpus"), corpus)
        cmd = [HAR_FUZZER, "-seed=1", "-runs=100000", "-max_len=65536", "-timeout=20", "-print_final_stats=1",
               "-dict=" + os.path.join(FUZZ_DIR, "xmpp.dict"), "-artifact_prefix=" + work + "/", corpus]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        self.assertEqual(proc.returncode, 0, "fuzz-har found a crash:\n" + proc.stderr[-6000:])
        executed = [int(l.split()[-1]) for l in proc.stderr.splitlines()
                    if l.startswith("stat::number_of_executed_units")]
        self.assertEqual(executed, [100000])

    @unittest.skipUnless(xt.SANITIZERS, "editcap mutations run against the ASan+UBSan build only")
    def test_editcap_mutations(self):
        caps = [os.path.join(xt.CAPTURES, n + ".pcapng") for n in MUTATE_CAPTURES]
        caps = [c for c in caps if os.path.exists(c)]
        work = os.path.join(BUILD_FUZZ if os.path.isdir(BUILD_FUZZ) else tempfile.gettempdir(),
                            "smoke-mutations")
        shutil.rmtree(work, True)
        proc = subprocess.run(["bash", os.path.join(FUZZ_DIR, "mutate.sh"), "-p", xt.PLUGIN_DIR, "-s", "7000",
                               "-n", str(len(caps)), "-d", work] + caps,
                              capture_output=True, text=True, timeout=600)
        print(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "", file=sys.stderr)
        self.assertEqual(proc.returncode, 0, "mutated captures kept in %s:\n%s%s" % (work, proc.stdout,
                                                                                   proc.stderr[-3000:]))
        shutil.rmtree(work, True)


if __name__ == "__main__":
    unittest.main()
