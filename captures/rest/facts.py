#!/usr/bin/env python3
"""Check a capture of captures/rest/make.sh and print the facts README.md records.

    python3 facts.py FILE.pcapng --port N [--tls] --name NAME
                     (--events SERVER.jsonl --desktop DESKTOP.json --json OUT.json
                      | --from-json FACTS.json)
    python3 facts.py --merge ONE.json --into FACTS.json

FILE is one session of the mock Finesse server on TCP port N (client ->
server = towards N; --tls: decode N as TLS, then HTTP, with the keys of the
file's Decryption Secrets Block). The expected session is scenario.js' (read
with `node scenario.js`): the desktop's XMPP-over-WebSocket login, six REST
calls with a requestId header (GET 200; PUT 202 notified after ~100 ms; PUT
202 notified after ~3 s; PUT 202 never notified; PUT 400 ApiErrors; PUT 202
notified with another state), one unsolicited notification (empty
requestId) and the desktop's <close/>.

The capture side comes from one stock tshark run (tshark -n -2 -T json -e
...); the ground truth from the mock server's own log (finesse-app.js
--events: request complete in the server, publish iq written) and what the
desktop saw (drive.js --out). Exit status 1 (facts printed anyway) unless
every REST call (method, URL, requestId, status, body), every notification
(requestId, state, in order, none for the lost and the refused request),
the login and the <close/> are in the capture, the server log says the same,
and each request -> notification latency of the capture is within 50 ms
above the server's own (and that one near the delay scenario.js asked for).

--json writes the facts (with the server log and the desktop's
observations, which the capture cannot give back) for facts.json;
--from-json reads that ground truth back from facts.json (the NAME entry)
to print the facts of a committed file; --merge replaces one entry of
facts.json.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
NS_EVENT = "http://jabber.org/protocol/pubsub#event"
NS_PUBSUB = "http://jabber.org/protocol/pubsub"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
JID = "administrator@uccxpub.prabhat.com/desktop"
FIELDS = [
    "frame.number", "frame.time_epoch", "frame.time_relative", "tcp.stream", "tcp.srcport", "tcp.dstport",
    "tcp.len", "tcp.flags.syn", "tcp.flags.fin", "tcp.flags.reset",
    "http.request.method", "http.request.uri", "http.request.line", "http.response.code", "http.response.phrase",
    "http.response.line", "http.request_in", "http.response_in", "http.file_data",
    "websocket.opcode", "websocket.payload.text",
    "tls.handshake.type", "tls.handshake.ciphersuite", "tls.handshake.extensions.supported_version",
    "tls.handshake.extensions_server_name",
]
# Latency checks (seconds).
CAPTURE_SLACK = 0.050   # capture latency - server latency must be in [-0.002, this]
DELAY_SLACK = 0.150     # server latency - the delay asked for must be in [0, this]


def scenario():
    out = subprocess.run(["node", os.path.join(HERE, "scenario.js")], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def tshark(path, port, tls):
    decode = ["-d", f"tcp.port=={port},tls", "-d", f"tls.port=={port},http"] if tls else ["-d", f"tcp.port=={port},http"]
    cmd = ["tshark", "-n", "-2", "-r", path, *decode, "-o", "tls.keylog_file:", "-T", "json"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [p["_source"]["layers"] for p in json.loads(out)]


def one(f, key, conv=str):
    v = f.get(key)
    return conv(v[0]) if v else None


def local(tag):
    return tag.split("}", 1)[-1]


def header(lines, name):
    for ln in lines or []:
        m = re.match(rf"\s*{re.escape(name)}\s*:\s*(.*?)\s*(\\r\\n|\r\n)?$", ln, re.I)
        if m:
            return m.group(1)
    return None


def capture_facts(path, port, tls, sc):
    problems = []
    pkts = tshark(path, port, tls)
    t0 = float(pkts[0]["frame.time_epoch"][0]) if pkts else 0.0
    streams = {}
    requests, responses, texts = [], {}, []
    tls_hello = {}
    for f in pkts:
        fn = one(f, "frame.number", int)
        t = one(f, "frame.time_epoch", float)
        st = one(f, "tcp.stream", int)
        to_server = one(f, "tcp.dstport", int) == port
        s = streams.setdefault(st, {"stream": st, "client_port": one(f, "tcp.srcport" if to_server else "tcp.dstport", int),
                                    "first_frame": fn, "http": [], "websocket": None})
        s["last_frame"] = fn
        methods = f.get("http.request.method", [])
        codes = f.get("http.response.code", [])
        if len(methods) + len(codes) > 1:
            problems.append(f"frame {fn}: {len(methods) + len(codes)} HTTP messages in one frame")
        if methods:
            r = {"frame": fn, "time": t, "stream": st, "method": methods[0], "uri": one(f, "http.request.uri"),
                 "request_id": header(f.get("http.request.line"), "requestId"),
                 "content_type": header(f.get("http.request.line"), "Content-Type"),
                 "body": one(f, "http.file_data") or "", "response_frame": one(f, "http.response_in", int)}
            requests.append(r)
            s["http"].append(f"{fn} {r['method']} {r['uri']}")
        if codes:
            r = {"frame": fn, "time": t, "stream": st, "code": int(codes[0]), "phrase": one(f, "http.response.phrase"),
                 "content_type": header(f.get("http.response.line"), "Content-Type"),
                 "content_length": header(f.get("http.response.line"), "Content-Length"),
                 "body": one(f, "http.file_data") or "", "request_frame": one(f, "http.request_in", int)}
            responses[fn] = r
            s["http"].append(f"{fn} {r['code']}")
        tx = iter(f.get("websocket.payload.text", []))
        for op in f.get("websocket.opcode", []):
            if op == "1":
                texts.append({"frame": fn, "time": t, "stream": st, "to_server": to_server, "text": next(tx, "")})
            if op == "8":
                s.setdefault("close_frames", []).append(f"{fn} {'C' if to_server else 'S'}")
        if tls and "2" in f.get("tls.handshake.type", []):
            tls_hello[st] = (one(f, "tls.handshake.extensions.supported_version"), one(f, "tls.handshake.ciphersuite"))
        if tls and "1" in f.get("tls.handshake.type", []):
            s["sni"] = one(f, "tls.handshake.extensions_server_name")
    for st, (ver, cs) in tls_hello.items():
        streams[st]["tls"] = {"version": ver, "ciphersuite": cs}

    # WebSocket: upgrade, login, notifications, close.
    ups = [r for r in requests if r["uri"] == "/ws/"]
    ws = {}
    if len(ups) != 1:
        problems.append(f"{len(ups)} WebSocket upgrades, not 1")
    else:
        up = ups[0]
        resp = responses.get(up["response_frame"])
        ws = {"stream": up["stream"], "upgrade_request_frame": up["frame"], "upgrade_response_frame": up["response_frame"]}
        if not resp or resp["code"] != 101:
            problems.append("no 101 to the WebSocket upgrade")
        streams[up["stream"]]["websocket"] = ws
    def parse(x):
        try:
            return ET.fromstring(x["text"])
        except ET.ParseError:
            return None
    auth = next((x for x in texts if x["to_server"] and (e := parse(x)) is not None and e.tag == f"{{{NS_SASL}}}auth"), None)
    bind = None
    sub = None
    close = None
    notes = []
    for x in texts:
        e = parse(x)
        if e is None:
            continue
        if not x["to_server"] and local(e.tag) == "iq" and e.get("type") == "result":
            j = e.find(f"{{{NS_BIND}}}bind/{{{NS_BIND}}}jid")
            if j is not None:
                bind = (x, j.text)
            if e.get("id") == "sub_user":
                sub = x
        if x["to_server"] and local(e.tag) == "close":
            close = close or x
        if not x["to_server"] and local(e.tag) == "message":
            for item in e.iter(f"{{{NS_EVENT}}}item"):
                holder = item.find(f"{{{NS_PUBSUB}}}notification")
                doc = ET.fromstring(holder.text) if holder is not None and holder.text else None
                get = (lambda name, d=doc: (d.findtext(f".//{name}") if d is not None else None))
                notes.append({"frame": x["frame"], "time": x["time"], "stream": x["stream"], "item": item.get("id"),
                              "request_id": get("requestId") or "", "state": get("state"),
                              "reason_code_id": get("reasonCodeId"), "event": get("event"), "source": get("source"),
                              "node": next((i.get("node") for i in e.iter(f"{{{NS_EVENT}}}items")), None)})
    if auth is None:
        problems.append("no SASL <auth/>")
    if bind is None or bind[1] != JID:
        problems.append(f"no bind result for {JID}")
    if sub is None:
        problems.append("no result of the subscription (iq sub_user)")
    if close is None:
        problems.append("no <close/> from the desktop")
    ws.update({"auth_frame": auth and auth["frame"], "bind_result_frame": bind and bind[0]["frame"],
               "subscribe_result_frame": sub and sub["frame"], "close_frame": close and close["frame"],
               "text_messages": {"client": sum(x["to_server"] for x in texts), "server": sum(not x["to_server"] for x in texts)}})

    # The REST calls of the scenario.
    calls = []
    for s in sc["STEPS"]:
        got = [r for r in requests if r["request_id"] == s["requestId"]]
        if len(got) != 1:
            problems.append(f"step {s['step']}: {len(got)} requests with requestId {s['requestId']}")
            continue
        r = got[0]
        resp = responses.get(r["response_frame"])
        c = {"step": s["step"], "what": s["what"], "method": r["method"], "url": r["uri"], "request_id": r["request_id"],
             "request_frame": r["frame"], "request_time": r["time"], "request_time_relative": round(r["time"] - t0, 6),
             "tcp_stream": r["stream"], "request_body": r["body"], "request_content_type": r["content_type"],
             "response_frame": resp and resp["frame"], "status": resp and resp["code"],
             "response_phrase": resp and resp["phrase"], "response_content_type": resp and resp["content_type"],
             "response_content_length": resp and resp["content_length"], "response_body": resp and resp["body"],
             "response_time": resp and resp["time"]}
        calls.append(c)
        if r["method"] != s["method"] or r["uri"] != sc["URL_PATH"]:
            problems.append(f"step {s['step']}: {r['method']} {r['uri']}, not {s['method']} {sc['URL_PATH']}")
        if (s["body"] or "") != r["body"]:
            problems.append(f"step {s['step']}: request body {r['body']!r}")
        if r["content_type"] != "application/xml":
            problems.append(f"step {s['step']}: request Content-Type {r['content_type']}")
        if resp is None:
            problems.append(f"step {s['step']}: no response")
            continue
        if resp["code"] != s["status"]:
            problems.append(f"step {s['step']}: HTTP {resp['code']}, not {s['status']}")
        if resp["code"] == 202 and (resp["content_length"] != "0" or resp["body"]):
            problems.append(f"step {s['step']}: 202 with a body")
        if resp["code"] in (200, 400) and resp["content_type"] != "application/xml":
            problems.append(f"step {s['step']}: response Content-Type {resp['content_type']}")
        if resp["code"] == 200 and not re.match(r"<User>.*<state>[A-Z_]+</state>.*</User>$", resp["body"]):
            problems.append(f"step {s['step']}: no <User> in the 200")
        if resp["code"] == 400:
            m = re.search(r"<state>(\w+)</state>", s["body"])
            want = ("<ApiErrors><ApiError><ErrorData>state</ErrorData><ErrorMessage>Invalid state transition from "
                    f"READY to {m.group(1)}</ErrorMessage><ErrorType>Invalid State</ErrorType></ApiError></ApiErrors>")
            if resp["body"] != want:
                problems.append(f"step {s['step']}: 400 body {resp['body']!r}")
    if [c["step"] for c in sorted(calls, key=lambda c: c["request_frame"])] != [s["step"] for s in sc["STEPS"]]:
        problems.append("REST calls out of order")
    others = [r for r in requests if r["uri"].startswith("/finesse/") and r["request_id"] not in {s["requestId"] for s in sc["STEPS"]}]
    if others:
        problems.append(f"unexpected REST requests: {[r['frame'] for r in others]}")

    # The notifications: one per notified step, in order, then the unsolicited one.
    want = [(s["requestId"], s["notification"]) for s in sc["STEPS"] if s["notification"]]
    want.append(("", {"state": sc["UNSOLICITED"]["state"]}))
    if len(notes) != len(want):
        problems.append(f"{len(notes)} notifications, not {len(want)}")
    for i, (n, (rid, exp)) in enumerate(zip(notes, want)):
        if n["request_id"] != rid or n["state"] != exp["state"]:
            problems.append(f"notification {i + 1} (frame {n['frame']}): requestId {n['request_id']!r} state {n['state']}, "
                            f"not {rid!r} {exp['state']}")
        if exp.get("reasonCodeId") and str(exp["reasonCodeId"]) != n["reason_code_id"]:
            problems.append(f"notification {i + 1}: reasonCodeId {n['reason_code_id']}")
        if n["event"] != "PUT" or n["node"] != sc["NODE"] or n["source"] != sc["NODE"]:
            problems.append(f"notification {i + 1}: event {n['event']} node {n['node']} source {n['source']}")
    for n in notes:
        n["time_relative"] = round(n["time"] - t0, 6)
        n["step"] = next((s["step"] for s in sc["STEPS"] if s["requestId"] == n["request_id"]), sc["UNSOLICITED"]["step"])

    return {
        "packets": len(pkts),
        "first_frame_time": t0,
        "tcp_streams": [streams[k] for k in sorted(streams)],
        "websocket": ws,
        "calls": calls,
        "notifications": notes,
    }, problems


def pairs_and_checks(facts, events, desktop, sc):
    """Join the capture with the server's log and the desktop's view."""
    problems = []
    reqs = {e["requestId"]: e for e in events if e["ev"] == "request"}
    pubs = [e for e in events if e["ev"] == "publish"]
    lost = {e["requestId"]: e for e in events if e["ev"] == "lost"}
    by_rid_pub = {e["requestId"]: e for e in pubs if e["requestId"]}
    dcalls = {c["requestId"]: c for c in (desktop or {}).get("calls", [])}
    notes = {n["request_id"]: n for n in facts["notifications"] if n["request_id"]}
    pairs = []
    for s in sc["STEPS"]:
        c = next((c for c in facts["calls"] if c["step"] == s["step"]), None)
        if c is None:
            continue
        ev = reqs.get(s["requestId"])
        if ev is None:
            problems.append(f"step {s['step']}: not in the server log")
            continue
        if ev["status"] != c["status"] or ev["method"] != c["method"]:
            problems.append(f"step {s['step']}: server log {ev['method']} {ev['status']}, capture {c['method']} {c['status']}")
        if not (c["request_time"] - 0.002 <= ev["t"] <= c["request_time"] + 0.5):
            problems.append(f"step {s['step']}: server got the request at {ev['t']}, frame {c['request_frame']} at {c['request_time']}")
        p = {"step": s["step"], "what": s["what"], "method": c["method"], "request_id": s["requestId"], "status": c["status"],
             "request_frame": c["request_frame"], "response_frame": c["response_frame"],
             "server_request_time": ev["t"], "server_response_time": ev.get("tResponse"),
             "capture_response_time": round(c["response_time"] - c["request_time"], 6) if c["response_time"] else None}
        pub = by_rid_pub.get(s["requestId"])
        n = notes.get(s["requestId"])
        if s["status"] != 202:
            p["outcome"] = "rejected (no notification)" if s["status"] == 400 else "answered (no notification)"
            if pub or n:
                problems.append(f"step {s['step']}: a notification for a {s['status']}")
        elif s["server"].get("lose"):
            p["outcome"] = "lost (202, never published)"
            if s["requestId"] not in lost:
                problems.append(f"step {s['step']}: the server log has no 'lost'")
            if pub or n:
                problems.append(f"step {s['step']}: a notification that should be lost")
            p["server_lost_time"] = lost.get(s["requestId"], {}).get("t")
        else:
            asked = s["notification"]["state"]
            requested = re.search(r"<state>(\w+)</state>", s["body"]).group(1)
            p["outcome"] = "notified" if asked == requested else f"overridden (asked {requested}, notified {asked})"
            if not pub or not n:
                problems.append(f"step {s['step']}: no {'publish in the server log' if not pub else 'notification in the capture'}")
            else:
                p.update({
                    "item": pub["itemId"], "notified_state": n["state"], "notification_frame": n["frame"],
                    "server_publish_time": pub["t"], "server_publish_ack_time": pub["tAck"],
                    "ground_truth_latency": round(pub["t"] - ev["t"], 6),
                    "ground_truth_ack_latency": round(pub["tAck"] - ev["t"], 6),
                    "capture_latency": round(n["time"] - c["request_time"], 6),
                })
                delay = s["server"].get("delayMs", 100) / 1000
                if not (0 <= p["ground_truth_latency"] - delay <= DELAY_SLACK):
                    problems.append(f"step {s['step']}: server latency {p['ground_truth_latency']} s for a delay of {delay} s")
                d = p["capture_latency"] - p["ground_truth_latency"]
                if not (-0.002 <= d <= CAPTURE_SLACK):
                    problems.append(f"step {s['step']}: capture latency {p['capture_latency']} vs server {p['ground_truth_latency']}")
                if pub["itemId"] != n["item"]:
                    problems.append(f"step {s['step']}: item {n['item']} in the capture, {pub['itemId']} in the log")
        dc = dcalls.get(s["requestId"])
        if dc:
            p["desktop_status"] = dc.get("status")
            dn = dc.get("notification")
            if dn:
                p["desktop_latency"] = round((dn["t"] - dc["tRequest"]) / 1000, 6)
            if dc.get("status") != c["status"]:
                problems.append(f"step {s['step']}: the desktop saw {dc.get('status')}")
        pairs.append(p)
    un = [e for e in pubs if not e["requestId"]]
    un_n = [n for n in facts["notifications"] if not n["request_id"]]
    unsolicited = None
    if len(un) != 1 or len(un_n) != 1:
        problems.append(f"unsolicited: {len(un)} in the server log, {len(un_n)} in the capture (not 1 and 1)")
    else:
        unsolicited = {"step": sc["UNSOLICITED"]["step"], "item": un[0]["itemId"], "state": un_n[0]["state"],
                       "notification_frame": un_n[0]["frame"], "server_publish_time": un[0]["t"],
                       "capture_time": un_n[0]["time"], "capture_time_relative": un_n[0]["time_relative"],
                       "publish_to_frame": round(un_n[0]["time"] - un[0]["t"], 6)}
    return pairs, unsolicited, problems


def fmt_ms(x):
    return "–" if x is None else f"{x * 1000:.1f} ms"


def markdown(name, port, tls, facts, pairs, unsolicited):
    out = [f"## {name}", ""]
    add = out.append
    add(f"- packets: {facts['packets']}; TCP connections: {len(facts['tcp_streams'])}; server port {port}"
        f"{' (TLS)' if tls else ''}; first frame at {facts['first_frame_time']:.6f} (epoch)")
    for s in facts["tcp_streams"]:
        extra = ""
        if s.get("tls"):
            extra = f"; TLS {s['tls']['version']} {s['tls']['ciphersuite']}, SNI {s.get('sni')}"
        ws = s.get("websocket")
        if ws:
            extra += (f"; WebSocket: upgrade {ws['upgrade_request_frame']} -> 101 {ws['upgrade_response_frame']}, "
                      f"auth {ws['auth_frame']}, bind result {ws['bind_result_frame']}, subscribe result "
                      f"{ws['subscribe_result_frame']}, <close/> {ws['close_frame']}, text messages C {ws['text_messages']['client']}"
                      f" / S {ws['text_messages']['server']}")
        if s.get("close_frames"):
            extra += f"; Close frames {', '.join(s['close_frames'])}"
        add(f"- tcp.stream {s['stream']}: client port {s['client_port']}, frames {s['first_frame']}-{s['last_frame']}; "
            f"HTTP: {', '.join(s['http']) or '-'}{extra}")
    add("")
    add("| step | request frame | response frame | tcp.stream | method | URL | requestId | status |")
    add("|---|---|---|---|---|---|---|---|")
    for c in facts["calls"]:
        add(f"| {c['step']} | {c['request_frame']} | {c['response_frame']} | {c['tcp_stream']} | {c['method']} | "
            f"`{c['url']}` | `{c['request_id']}` | {c['status']} {c['response_phrase']} |")
    add("")
    add("| notification frame | item | requestId | state | reasonCodeId | time (relative) |")
    add("|---|---|---|---|---|---|")
    for n in facts["notifications"]:
        add(f"| {n['frame']} | {n['item']} | `{n['request_id'] or '(empty)'}` | {n['state']} | {n['reason_code_id'] or '–'} | "
            f"{n['time_relative']:.6f} |")
    add("")
    add("| step | request frame → notification frame | requestId | outcome | ground-truth latency (server log: request received → publish written) | latency, capture (request frame → notification frame) | desktop (fetch → notification) |")
    add("|---|---|---|---|---|---|---|")
    for p in pairs:
        nf = p.get("notification_frame", "–")
        add(f"| {p['step']} | {p['request_frame']} → {nf} | `{p['request_id']}` | {p['outcome']} | "
            f"{fmt_ms(p.get('ground_truth_latency'))} | {fmt_ms(p.get('capture_latency'))} | {fmt_ms(p.get('desktop_latency'))} |")
    if unsolicited:
        add(f"| {unsolicited['step']} | – → {unsolicited['notification_frame']} | (empty) | unsolicited ({unsolicited['state']}) | – | – | – |")
    add("")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap", nargs="?")
    ap.add_argument("--port", type=int)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--name")
    ap.add_argument("--events")
    ap.add_argument("--desktop")
    ap.add_argument("--json")
    ap.add_argument("--from-json")
    ap.add_argument("--merge")
    ap.add_argument("--into")
    a = ap.parse_args()
    if a.merge:
        entry = json.load(open(a.merge))
        data = json.load(open(a.into)) if os.path.exists(a.into) else {}
        data.update(entry)
        with open(a.into, "w") as f:
            json.dump(dict(sorted(data.items())), f, indent=1)
            f.write("\n")
        return 0
    sc = scenario()
    if a.from_json:
        stored = json.load(open(a.from_json)).get(a.name)
        if stored is None:
            print(f"{a.from_json} has no entry {a.name}", file=sys.stderr)
            return 1
        events, desktop = stored["server_log"], stored["desktop"]
    else:
        events = [json.loads(ln) for ln in open(a.events) if ln.strip()]
        desktop = json.load(open(a.desktop)) if a.desktop and os.path.exists(a.desktop) else None
    facts, problems = capture_facts(a.pcap, a.port, a.tls, sc)
    pairs, unsolicited, more = pairs_and_checks(facts, events, desktop, sc)
    problems += more
    print("\n".join(markdown(a.name, a.port, a.tls, facts, pairs, unsolicited)))
    if a.json:
        entry = {"file": f"captures/{a.name}", "port": a.port, "tls": a.tls, **facts,
                 "pairs": pairs, "unsolicited": unsolicited,
                 "scenario": {"steps": sc["STEPS"], "unsolicited": sc["UNSOLICITED"],
                              "notify_timeout_ms": sc["NOTIFY_TIMEOUT_MS"], "pause_ms": sc["PAUSE_MS"]},
                 "server_log": events, "desktop": desktop}
        with open(a.json, "w") as f:
            json.dump({a.name: entry}, f, indent=1)
            f.write("\n")
    if problems:
        print("PROBLEMS: " + "; ".join(problems))
        return 1
    print("OK: every step of the scenario is in the capture")
    return 0


if __name__ == "__main__":
    sys.exit(main())
