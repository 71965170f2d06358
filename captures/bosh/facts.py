#!/usr/bin/env python3
"""Check a capture of captures/bosh/make.sh and print the facts README.md records.

    python3 facts.py FILE.pcapng --port N [--tls] [--wait S]

FILE is an XMPP-over-BOSH session (POSTs of <body xmlns="http://jabber.org/
protocol/httpbind">) or, when it has a 101 Switching Protocols, the
XMPP-over-WebSocket session of the comparison. N is the server's TCP port
(client -> server = towards N); --tls decodes N as TLS, then HTTP (the
keys are in the file's Decryption Secrets Block). Everything comes from one
stock tshark run (tshark -n -2 -r FILE -d ... -T json -e FIELD ...; two
passes, so that requests know http.response_in); bodies are
parsed with ElementTree. Exit status 1 (facts printed anyway) unless the
capture holds the whole session: session creation request and response,
sid, SASL PLAIN <auth/> and <success/>, the restart, the bind result for
administrator@uccxpub.prabhat.com/desktop, the three notifications
finesse-00001..3 and the terminate (WebSocket: 101, auth, success, bind,
notifications, <close/>); BOSH also needs an empty response held at least
wait - 0.5 s.
"""
import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS_BOSH = "http://jabber.org/protocol/httpbind"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session"
NS_EVENT = "http://jabber.org/protocol/pubsub#event"
JID = "administrator@uccxpub.prabhat.com/desktop"
ITEMS = ["finesse-00001", "finesse-00002", "finesse-00003"]
FIELDS = [
    "frame.number", "frame.time_relative", "frame.len", "tcp.stream", "tcp.dstport", "tcp.len",
    "http.request.method", "http.request.uri", "http.response.code", "http.request_in",
    "http.response_in", "http.time", "http.file_data", "websocket.opcode", "websocket.payload.text",
]


def tshark_command(path, port, tls):
    decode = ["-d", f"tcp.port=={port},tls", "-d", f"tls.port=={port},http"] if tls else ["-d", f"tcp.port=={port},http"]
    cmd = ["tshark", "-n", "-2", "-r", path, *decode, "-T", "json"]
    for f in FIELDS:
        cmd += ["-e", f]
    return cmd


def frames(path, port, tls):
    out = subprocess.run(tshark_command(path, port, tls), capture_output=True, text=True, check=True).stdout
    for pkt in json.loads(out):
        f = pkt["_source"]["layers"]
        yield {k: v for k, v in f.items()}


def one(f, key, conv=str):
    v = f.get(key)
    return conv(v[0]) if v else None


def local(tag):
    return tag.split("}", 1)[-1]


def start_tag_attrs(xml):
    """The attributes of the first start tag, in the order written."""
    m = re.match(r"\s*<[\w:]+((?:\s+[\w:.-]+\s*=\s*(?:'[^']*'|\"[^\"]*\"))*)\s*/?>", xml)
    if not m:
        return []
    return [(a, v[1:-1]) for a, v in re.findall(r"([\w:.-]+)\s*=\s*('[^']*'|\"[^\"]*\")", m.group(1))]


def cond(r):
    c = r.el.get("condition")
    return f", condition {c}" if c else ""


def describe(el):
    """One stanza or nonza, briefly: 'iq set _bind_auth_2 bind', 'message headline finesse-00001'."""
    name = local(el.tag)
    parts = [name]
    if el.get("type"):
        parts.append(el.get("type"))
    if name == "iq" and el.get("id"):
        parts.append(el.get("id"))
    for c in el:
        parts.append(local(c.tag))
    items = [i.get("id") for i in el.iter(f"{{{NS_EVENT}}}item")]
    if items:
        parts = [name, el.get("type") or "", *items]
    return " ".join(p for p in parts if p)


class Msg:
    """An HTTP request or response (BOSH) or a WebSocket text message."""

    def __init__(self, frame, t, stream, to_server, text):
        self.frame, self.t, self.stream, self.to_server, self.text = frame, t, stream, to_server, text
        self.el = None
        self.children = []
        if text:
            try:
                self.el = ET.fromstring(text)
            except ET.ParseError:
                self.el = None
        if self.el is not None:
            self.children = list(self.el) if local(self.el.tag) == "body" else [self.el]

    def has(self, ns, name):
        return any(c.tag == f"{{{ns}}}{name}" for c in self.children)

    def bound_jid(self):
        for c in self.children:
            if local(c.tag) == "iq" and c.get("type") == "result":
                j = c.find(f"{{{NS_BIND}}}bind/{{{NS_BIND}}}jid")
                if j is not None:
                    return j.text
        return None

    def items(self):
        return [i.get("id") for c in self.children for i in c.iter(f"{{{NS_EVENT}}}item")]

    def what(self):
        return ", ".join(describe(c) for c in self.children) or "(empty)"


def analyse(path, port, tls, wait):
    problems = []
    pkts = list(frames(path, port, tls))
    n_packets = len(pkts)
    streams = sorted({one(f, "tcp.stream", int) for f in pkts if f.get("tcp.stream")})
    c2s = sum(one(f, "tcp.len", int) or 0 for f in pkts if one(f, "tcp.dstport", int) == port)
    s2c = sum(one(f, "tcp.len", int) or 0 for f in pkts if one(f, "tcp.dstport", int) != port)
    wire = sum(one(f, "frame.len", int) for f in pkts)
    t_first = float(pkts[0]["frame.time_relative"][0]) if pkts else 0.0

    requests, responses, ws = [], [], []
    for f in pkts:
        fn = one(f, "frame.number", int)
        t = one(f, "frame.time_relative", float)
        stream = one(f, "tcp.stream", int)
        to_server = one(f, "tcp.dstport", int) == port
        methods, codes = f.get("http.request.method", []), f.get("http.response.code", [])
        if len(methods) + len(codes) > 1:
            problems.append(f"frame {fn}: {len(methods) + len(codes)} HTTP messages in one frame")
        body = one(f, "http.file_data")
        if methods:
            m = Msg(fn, t, stream, True, body)
            m.method, m.uri, m.response_in = methods[0], one(f, "http.request.uri"), one(f, "http.response_in", int)
            requests.append(m)
        if codes:
            m = Msg(fn, t, stream, False, body)
            m.code, m.request_in, m.hold = int(codes[0]), one(f, "http.request_in", int), one(f, "http.time", float)
            responses.append(m)
        for op, text in zip(f.get("websocket.opcode", []), f.get("websocket.payload.text", [])):
            if op == "1":
                ws.append(Msg(fn, t, stream, to_server, text))
    by_frame = {m.frame: m for m in requests + responses}
    is_ws = any(r.code == 101 for r in responses)
    out = [f"## {path.rsplit('/', 1)[-1]}", ""]
    add = out.append
    add(f"- packets: {n_packets}; bytes on the wire (sum of frame.len): {wire}; TCP payload: {c2s} client->server, {s2c} server->client")
    add(f"- TCP connections: {len(streams)} (tcp.stream {', '.join(map(str, streams))})")
    meth = {}
    for r in requests:
        meth[r.method] = meth.get(r.method, 0) + 1
    codes = {}
    for r in responses:
        codes[r.code] = codes.get(r.code, 0) + 1
    add(f"- HTTP requests: {len(requests)} ({', '.join(f'{k} {v}' for k, v in meth.items())}); "
        f"responses: {len(responses)} ({', '.join(f'{k} {v}' for k, v in codes.items())})")
    for r in requests:
        if r.method == "OPTIONS":
            add(f"- CORS preflight: OPTIONS frame {r.frame} (tcp.stream {r.stream}) -> response frame {r.response_in}")

    def first(msgs, pred):
        return next((m for m in msgs if pred(m)), None)

    def need(m, what):
        if m is None:
            problems.append(f"no {what}")
        return m

    if is_ws:
        up = first(requests, lambda r: r.method == "GET")
        add(f"- WebSocket: GET {up.uri if up else '?'} frame {up.frame if up else '?'} -> 101 frame {up.response_in if up else '?'}")
        sent = sum(1 for m in ws if m.to_server)
        add(f"- WebSocket text messages: {len(ws)} ({sent} client->server, {len(ws) - sent} server->client)")
        msgs = ws
    else:
        msgs = [m for m in requests + responses if m.el is not None]
        msgs.sort(key=lambda m: m.frame)
    auth = need(first(msgs, lambda m: m.to_server and m.has(NS_SASL, "auth")), "SASL <auth/>")
    success = need(first(msgs, lambda m: not m.to_server and m.has(NS_SASL, "success")), "<success/>")
    bind = need(first(msgs, lambda m: not m.to_server and m.bound_jid()), "bind result")
    if bind and bind.bound_jid() != JID:
        problems.append(f"bound {bind.bound_jid()}, not {JID}")
    session = first(msgs, lambda m: m.to_server and any(c.find(f"{{{NS_SESSION}}}session") is not None for c in m.children))
    notes = [m for m in msgs if not m.to_server and m.items()]
    got = [i for m in notes for i in m.items()]
    if got != ITEMS:
        problems.append(f"notification items {got}, not {ITEMS}")

    if not is_ws:
        create = need(first(requests, lambda r: r.el is not None and local(r.el.tag) == "body" and not r.el.get("sid")),
                      "session creation request")
        cresp = by_frame.get(create.response_in) if create else None
        need(cresp, "session creation response")
        sid = cresp.el.get("sid") if cresp is not None and cresp.el is not None else None
        need(sid, "sid")
        sids = sorted({r.el.get("sid") for r in requests + responses if r.el is not None and r.el.get("sid")})
        restart = need(first(requests, lambda r: r.el is not None and dict(start_tag_attrs(r.text)).get("xmpp:restart") == "true"),
                       "restart request")
        term = need(first(requests, lambda r: r.el is not None and r.el.get("type") == "terminate"), "terminate request")
        term_resp = [r for r in responses if r.el is not None and r.el.get("type") == "terminate"]
        posts = [r for r in requests if r.method == "POST"]
        add(f"- session creation: request frame {create.frame if create else '?'}, response frame {cresp.frame if cresp else '?'}")
        add(f"- sid: {sid} (random per run){'' if sids == [sid] else f'; all sid values: {sids}'}")
        add(f"- rid of the first request: {create.el.get('rid') if create else '?'}; last rid: {posts[-1].el.get('rid') if posts and posts[-1].el is not None else '?'}")
        if create:
            add(f"- creation request attributes: {' '.join(f'{a}={v!r}' for a, v in start_tag_attrs(create.text))}")
        if cresp is not None:
            add(f"- creation response attributes: {' '.join(f'{a}={v!r}' for a, v in start_tag_attrs(cresp.text))}")
            add(f"- creation response payload: {cresp.what()}")
        add(f"- SASL <auth/>: frame {auth.frame if auth else '?'}; <success/>: frame {success.frame if success else '?'}")
        if restart:
            add(f"- restart request (xmpp:restart='true'): frame {restart.frame} -> response frame {restart.response_in} ({by_frame[restart.response_in].what() if restart.response_in in by_frame else '?'})")
        add(f"- bind result: frame {bind.frame if bind else '?'} ({bind.bound_jid() if bind else '?'})"
            f"{f'; session iq: frame {session.frame}' if session else '; no session iq'}")
        add("- notifications: frames " + ", ".join(f"{m.frame} ({' '.join(m.items())})" for m in notes))
        if term:
            add(f"- terminate request: frame {term.frame} (rid {term.el.get('rid')}, tcp.stream {term.stream}, payload {term.what()}); "
                "responses with type='terminate': " + ", ".join(
                    f"{r.frame} (to request {r.request_in}{cond(r)})" for r in term_resp))
        empty_req = [r for r in posts if r.el is not None and not r.children and r.el.get("sid") and not dict(start_tag_attrs(r.text)).get("xmpp:restart") and r.el.get("type") != "terminate"]
        empty_resp = [r for r in responses if r.el is not None and not r.children and r.el.get("type") != "terminate"]
        add(f"- empty bodies (no children): requests {len(empty_req)} (frames {', '.join(str(r.frame) for r in empty_req)}); "
            f"responses {len(empty_resp)} (frames {', '.join(str(r.frame) for r in empty_resp)})"
            " (not counted although childless: restart requests, terminate bodies)")
        held = sorted((r for r in responses if r.hold is not None), key=lambda r: -r.hold)
        add("- longest holds (response time - request time, http.time): " + ", ".join(
            f"{r.request_in}->{r.frame} {r.hold:.3f} s{' empty' if not r.children else ''}" for r in held[:6]))
        if not any(not r.children and r.el is not None and r.hold >= wait - 0.5 for r in held):
            problems.append(f"no empty response held >= {wait - 0.5} s")
        if bind:
            add(f"- time to the bound JID: {bind.t - t_first:.3f} s after the first packet")
        if notes:
            add(f"- first notification: {notes[0].t - t_first:.3f} s after the first packet")
        add("")
        add("| request | stream | rid | payload | response | stream | payload | hold (s) |")
        add("|---|---|---|---|---|---|---|---|")
        for r in requests:
            resp = by_frame.get(r.response_in)
            rid = r.el.get("rid") if r.el is not None else ""
            attrs = dict(start_tag_attrs(r.text)) if r.text else {}
            what = r.what() if r.el is not None else r.method
            if attrs.get("xmpp:restart") == "true":
                what = "restart"
            elif r is create:
                what = "session creation"
            elif r.el is not None and r.el.get("type") == "terminate":
                what = f"terminate: {what}"
            rwhat = resp.what() if resp is not None and resp.el is not None else (str(resp.code) if resp else "none")
            if resp is not None and resp.el is not None and resp.el.get("type") == "terminate":
                rwhat = f"terminate{' ' + resp.el.get('condition') if resp.el.get('condition') else ''}: {rwhat}"
            if resp is cresp and resp is not None:
                rwhat = f"session created: {rwhat}"
            add(f"| {r.frame} | {r.stream} | {rid} | {what} | {resp.frame if resp else '-'} | {resp.stream if resp else '-'} | {rwhat} | {f'{resp.hold:.3f}' if resp and resp.hold is not None else '-'} |")
    else:
        close = need(first(ws, lambda m: m.to_server and m.el is not None and local(m.el.tag) == "close"), "client <close/>")
        add(f"- SASL <auth/>: frame {auth.frame if auth else '?'}; <success/>: frame {success.frame if success else '?'}")
        add(f"- bind result: frame {bind.frame if bind else '?'}{f'; session iq: frame {session.frame}' if session else ''}")
        add("- notifications: frames " + ", ".join(f"{m.frame} ({' '.join(m.items())})" for m in notes))
        add(f"- client <close/>: frame {close.frame if close else '?'}")
        if bind:
            add(f"- time to the bound JID: {bind.t - t_first:.3f} s after the first packet")
        if notes:
            add(f"- first notification: {notes[0].t - t_first:.3f} s after the first packet")
    add("")
    if problems:
        add("PROBLEMS: " + "; ".join(problems))
    return out, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--wait", type=float, default=5.0)
    a = ap.parse_args()
    out, problems = analyse(a.pcap, a.port, a.tls, a.wait)
    print("\n".join(out))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
