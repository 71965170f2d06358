#!/usr/bin/env python3
"""Field reference for README.md, from what the built plugin registers.

  python3 tools/reference.py            print the Markdown tables
  python3 tools/reference.py --update   rewrite them in README.md, between
                                        <!-- fields:begin --> and <!-- fields:end -->

Fields come from `tshark -G fields` run with the plugin (tools/tshark.sh),
so the README lists exactly what a display filter can use.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- fields:begin -->", "<!-- fields:end -->"
EBEGIN, EEND = "<!-- experts:begin -->", "<!-- experts:end -->"
SOURCES = ["packet-finesse-xmpp.c", "xmppws-xml.c", "xmppws-stream.c", "xmppws-sasl.c", "xmppws-stanza.c",
           "xmppws-pubsub.c", "xmppws-tracking.c", "xmppws-transport.c", "packet-finesse.c", "xmppws-stats.c"]
EI_RE = re.compile(r'\{\s*&ei_\w+,\s*\{\s*"([\w.]+)",\s*(PI_\w+),\s*(PI_\w+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+),', re.S)
SEVERITY = {"PI_ERROR": "Error", "PI_WARN": "Warning", "PI_NOTE": "Note", "PI_CHAT": "Chat", "PI_COMMENT": "Comment"}

# What a person should check next, per expert info. tests/test_readme.py fails
# when an expert info is registered without an entry here.
NEXT = {}


def registered_fields():
    out = subprocess.run(["bash", os.path.join(TOP, "tools", "tshark.sh"), "-G", "fields"],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "F" and parts[4] in ("xmppws", "finesse"):
            rows.append((parts[4], parts[2], parts[3], parts[1], parts[7] if len(parts) > 7 else ""))
    return rows


def registered_experts():
    """(name, group, severity, summary) of every expert info in the sources."""
    found = []
    for src in SOURCES:
        path = os.path.join(TOP, src)
        if not os.path.exists(path):
            continue
        text = open(path).read()
        for m in EI_RE.finditer(text):
            summary = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(4))).replace('\\"', '"')
            found.append((m.group(1), m.group(2), m.group(3), summary))
    return found


def expert_table():
    out = ["| Expert info | Severity | Group | What it means | What to check next |", "|---|---|---|---|---|"]
    for name, group, sev, summary in sorted(registered_experts()):
        out.append("| `%s` | %s | %s | %s | %s |" % (name, SEVERITY.get(sev, sev), group[3:].replace("_", " ").lower(),
                                                     summary.replace("|", "\\|"), NEXT.get(name, "")))
    return "\n".join(out) + "\n"


def tables():
    experts = {e[0] for e in registered_experts()}
    rows = [r for r in registered_fields() if r[1] not in experts]
    out = []
    for proto, title in (("xmppws", "XMPP over WebSocket (`xmppws`)"),
                         ("finesse", "Cisco Finesse Notification (`finesse`)")):
        out.append("#### %s\n" % title)
        out.append("| Field | Type | Name | Meaning |")
        out.append("|---|---|---|---|")
        for p, abbrev, ftype, name, blurb in rows:
            if p == proto:
                out.append("| `%s` | %s | %s | %s |" % (abbrev, ftype.replace("FT_", ""), name,
                                                      blurb.replace("|", "\\|")))
        out.append("")
    return "\n".join(out)


def main():
    text = tables()
    if "--update" not in sys.argv:
        print(text)
        print(expert_table())
        return
    path = os.path.join(TOP, "README.md")
    readme = open(path).read()
    readme = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: BEGIN + "\n" + text + "\n" + END,
                    readme, flags=re.S)
    readme = re.sub(re.escape(EBEGIN) + ".*?" + re.escape(EEND),
                    lambda m: EBEGIN + "\n" + expert_table() + EEND, readme, flags=re.S)
    open(path, "w").write(readme)


if __name__ == "__main__":
    main()
