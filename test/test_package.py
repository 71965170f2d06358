"""The binary archive (CPack, the "package" target of CMakeLists.txt, which
tools/package.sh drives): it is named after the plugin version, the
Wireshark release and the system, holds exactly the plugin laid out as
plugins/<X.Y>/epan/, the Finesse profile and the INSTALL note, and tshark
loads the plugin after the archive is unpacked into a fresh HOME as the
note says (as nobody when the tests run as root). Also: a plain `cmake
--install` puts the plugin into the personal folder of the release it was
built for, and none of the archive's layout.
"""
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
import unittest

import xmppws_test
from xmppws_test import PLUGIN_DIR, ROOT, SANITIZERS

BUILD = os.path.dirname(os.path.abspath(PLUGIN_DIR))
PROFILE = os.path.join(ROOT, "profiles", "Finesse")


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"^project\(finesse-xmpp VERSION (\d+\.\d+\.\d+)", f.read(), re.M)
    assert m, "no project version in CMakeLists.txt"
    return m.group(1)


def cache_value(name):
    with open(os.path.join(BUILD, "CMakeCache.txt"), encoding="utf-8") as f:
        m = re.search(r"^%s:[A-Z]+=(.*)$" % re.escape(name), f.read(), re.M)
    assert m, "%s not in %s/CMakeCache.txt" % (name, BUILD)
    return m.group(1)


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        config = os.path.join(BUILD, "CPackConfig.cmake")
        # No skip: the build folder under test must be able to make its archive.
        assert os.path.exists(config), "no %s: is XMPPWS_PLUGIN_DIR <build>/plugins?" % config
        cls.tmp = tempfile.mkdtemp(prefix="xmppws-package-")
        os.chmod(cls.tmp, 0o755)
        out = os.path.join(cls.tmp, "out")
        # What `cmake --build <build> --target package` runs, with the
        # archive going to a folder of our own.
        proc = subprocess.run(["cpack", "--config", config, "-B", out], capture_output=True, text=True,
                              cwd=BUILD, timeout=600)
        assert proc.returncode == 0, "cpack failed:\n%s%s" % (proc.stdout, proc.stderr)
        archives = [n for n in os.listdir(out) if n.endswith(".tar.gz")]
        assert len(archives) == 1, "cpack made %r" % archives
        cls.name = archives[0]
        cls.archive = os.path.join(out, cls.name)
        major, minor = xmppws_test.wireshark_version()
        cls.mm = "%d.%d" % (major, minor)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def top(self):
        return self.name[:-len(".tar.gz")]

    def test_name(self):
        self.assertEqual(self.name, "finesse-xmpp-%s-wireshark-%s-%s-%s.tar.gz"
                         % (project_version(), self.mm, platform.system().lower(), platform.machine()))

    def test_file_list(self):
        with tarfile.open(self.archive) as tar:
            files = sorted(m.name for m in tar.getmembers() if m.isfile())
            others = [m.name for m in tar.getmembers() if not (m.isfile() or m.isdir())]
        top = self.top()
        expected = ["%s/INSTALL.txt" % top, "%s/plugins/%s/epan/finesse-xmpp.so" % (top, self.mm),
                    "%s/bin/xmppws-har2pcapng" % top]
        if xmppws_test.wireshark_version() >= (4, 6):
            # the .har file reader (wiretap/wtap_module.h is installed from 4.6 on)
            expected.append("%s/plugins/%s/wiretap/finesse-xmpp-har.so" % (top, self.mm))
        expected = sorted(expected + ["%s/profiles/Finesse/%s" % (top, n) for n in os.listdir(PROFILE)])
        self.assertEqual(files, expected)
        self.assertEqual(others, [])

    def test_profile_identical(self):
        with tarfile.open(self.archive) as tar:
            for n in os.listdir(PROFILE):
                with open(os.path.join(PROFILE, n), "rb") as f:
                    data = tar.extractfile("%s/profiles/Finesse/%s" % (self.top(), n)).read()
                    self.assertEqual(data, f.read(), n)

    def test_install_note(self):
        with tarfile.open(self.archive) as tar:
            note = tar.extractfile("%s/INSTALL.txt" % self.top()).read().decode("ascii")
        dash = self.mm.replace(".", "-")
        for where in ["~/.local/lib/wireshark/plugins/%s/epan/finesse-xmpp.so" % self.mm,          # Linux
                      "~/.local/lib/wireshark/plugins/%s/epan/finesse-xmpp.so" % dash,             # macOS
                      "%%APPDATA%%\\Wireshark\\plugins\\%s\\epan\\finesse-xmpp.dll" % self.mm,   # Windows
                      "~/.config/wireshark/profiles/Finesse/",
                      "%APPDATA%\\Wireshark\\profiles\\Finesse\\",
                      "plugins/%s/epan/finesse-xmpp.so" % self.mm]:
            self.assertIn(where, note)
        self.assertIsNone(re.search(r"@[A-Za-z_]+@", note), "unsubstituted @VAR@ in INSTALL.txt")

    def test_tshark_loads_unpacked_plugin(self):
        """Unpack as INSTALL.txt says into a fresh HOME; tshark, with no
        WIRESHARK_PLUGIN_DIR, lists the plugin from the personal folder and
        dissects with the profile."""
        tmp = tempfile.mkdtemp(prefix="unpack-", dir=self.tmp)
        os.chmod(tmp, 0o755)
        with tarfile.open(self.archive) as tar:
            tar.extractall(tmp)
        home = os.path.join(tmp, "home")
        shutil.copytree(os.path.join(tmp, self.top(), "plugins"), os.path.join(home, ".local", "lib", "wireshark", "plugins"))
        shutil.copytree(os.path.join(tmp, self.top(), "profiles"), os.path.join(home, ".config", "wireshark", "profiles"))
        cap = os.path.join(tmp, "login.pcapng")
        shutil.copyfile(os.path.join(xmppws_test.CAPTURES, "finesse-login.pcapng"), cap)
        for dirpath, dirnames, filenames in os.walk(tmp):
            os.chmod(dirpath, 0o777 if dirpath.startswith(home) else 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o666 if dirpath.startswith(home) else 0o644)
        # No extcap helpers (under the sanitizer preload they hang, see
        # xmppws_test); nothing else points tshark anywhere.
        extcap = os.path.join(tmp, "extcap")
        os.mkdir(extcap)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": home, "LC_ALL": "C.UTF-8",
               "WIRESHARK_EXTCAP_DIR": extcap}
        if SANITIZERS:
            env.update(xmppws_test._asan_env())

        def run(args):
            cmd = ["tshark"] + args
            if os.geteuid() == 0:
                cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + cmd
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            return proc.stdout

        listed = [l.split("\t") for l in run(["-G", "plugins"]).splitlines() if l.startswith("finesse-xmpp")]
        readers = [[c.strip() for c in p] for p in listed if p[0].strip() == "finesse-xmpp-har.so"]
        if xmppws_test.wireshark_version() >= (4, 6):
            self.assertEqual([r[1:3] for r in readers], [[project_version(), "file type"]])
        plugins = [p for p in listed if p[0].strip() == "finesse-xmpp.so"]
        self.assertEqual(len(plugins), 1, listed)
        name, version, kind, path = [c.strip() for c in plugins[0]]
        self.assertEqual((name, version, kind), ("finesse-xmpp.so", project_version(), "dissector"))
        self.assertEqual(path, os.path.join(home, ".local/lib/wireshark/plugins", self.mm, "epan", "finesse-xmpp.so"))
        established = run(["-C", "Finesse", "-r", cap, "-Y", 'xmppws.stage == "established"',
                           "-T", "fields", "-e", "frame.number"]).split()
        self.assertTrue(established and all(f.isdigit() for f in established), established)


class Install(unittest.TestCase):
    def test_install_personal_folder(self):
        """`cmake --install` (into a DESTDIR) puts the plugin into
        FINESSE_XMPP_PLUGIN_DIR, by default <HOME at configure
        time>/.local/lib/wireshark/plugins/<X.Y>/epan, and leaves the
        archive-only component out."""
        mm = "%d.%d" % xmppws_test.wireshark_version()
        plugin_dir = cache_value("FINESSE_XMPP_PLUGIN_DIR")
        self.assertTrue(plugin_dir.endswith("/plugins/%s/epan" % mm), plugin_dir)
        dest = tempfile.mkdtemp(prefix="xmppws-install-")
        try:
            proc = subprocess.run(["cmake", "--install", BUILD], capture_output=True, text=True,
                                  env=dict(os.environ, DESTDIR=dest), timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertTrue(os.path.isfile(dest + plugin_dir + "/finesse-xmpp.so"))
            installed = sorted(os.path.relpath(os.path.join(d, f), dest)
                               for d, _, fs in os.walk(dest) for f in fs)
            self.assertFalse([p for p in installed if p.endswith("INSTALL.txt")], installed)
            self.assertEqual(len([p for p in installed if p.endswith("finesse-xmpp.so")]), 1, installed)
        finally:
            shutil.rmtree(dest, True)


if __name__ == "__main__":
    unittest.main()
