// A HAR writer fed with Chrome DevTools protocol Network/Page events, built
// to give what Chrome DevTools' own Network panel exports with "Save all as
// HAR (with content)" / "Export HAR (with sensitive data)" for the same
// events. It follows the DevTools frontend (ChromeDevTools/devtools-frontend,
// front_end/core/sdk/NetworkManager.ts: NetworkDispatcher and
// ExtraInfoBuilder; front_end/core/sdk/NetworkRequest.ts; front_end/models/
// har/Log.ts and Writer.ts, the 2025 versions with _connectionId,
// connection = the server port, and the service-worker timing fields):
//
//   requestWillBeSent            a request: method, headers, postData,
//                                priority, issueTime/wallTime, resource type
//   requestWillBeSentExtraInfo   the headers really sent (replace the above
//                                once responseReceived said hasExtraInfo)
//   responseReceived             status, mimeType, headers, remote address
//                                and port, connectionId, timing, protocol
//   responseReceivedExtraInfo    the raw response headers and headersText
//   dataReceived                 resourceSize, transferSize, endTime
//   loadingFinished/Failed       endTime, transferSize (encodedDataLength)
//   webSocketCreated             a websocket request (url, initiator)
//   webSocketWillSendHandshakeRequest  GET, handshake request headers,
//                                issueTime/wallTime (the time base of the
//                                messages)
//   webSocketHandshakeResponseReceived status 101, headers, headersText
//   webSocketFrameSent/Received  one _webSocketMessages element each:
//                                {type, time, opcode, data} with time =
//                                wallTime + (timestamp - handshake timestamp)
//   webSocketFrameError          a {type: "error", opcode: -1} element
//   webSocketClosed              endTime
//   Page.frameNavigated, domContentEventFired, loadEventFired   the page
//
// Then, like NetworkLogView.harRequests and Writer.harStringForRequests:
// the http(s)/ws(s) requests that finished (and websockets that got their
// 101), sorted by issueTime, each built like Log.Entry.build (request
// postData from requestWillBeSent, else Network.getRequestPostData: the
// bodies of XHR/fetch POSTs, e.g. BOSH), then response.content.text from
// Network.getResponseBody (base64 when the body is binary; none for
// websockets), JSON with 2-space indent.
//
// What this module does not model, because the capture session never has
// it: redirects, cookies (they would be [] here too: the site sets none),
// memory/disk cache, service workers, signed exchanges, early hints.

// Protocol ResourceType -> DevTools ResourceType.name() (what HAR's
// _resourceType holds).
const RESOURCE_TYPE = {
  Document: "document",
  Stylesheet: "stylesheet",
  Image: "image",
  Media: "media",
  Font: "font",
  Script: "script",
  TextTrack: "texttrack",
  XHR: "xhr",
  Fetch: "fetch",
  Prefetch: "prefetch",
  EventSource: "eventsource",
  WebSocket: "websocket",
  Manifest: "manifest",
  SignedExchange: "signed-exchange",
  Ping: "ping",
  CSPViolationReport: "csp-violation-report",
  Preflight: "preflight",
  FedCM: "fedcm",
  Other: "other",
};
const resourceType = (t) => RESOURCE_TYPE[t] ?? "other";

// NetworkDispatcher.headersMapToHeadersArray: one {name, value} per line of
// a (possibly "\n"-joined) header value, in the map's order.
function headersArray(map) {
  const out = [];
  for (const name in map ?? {}) {
    for (const value of String(map[name]).split("\n")) out.push({ name, value });
  }
  return out;
}

// A NetworkRequest, reduced to what the HAR export reads.
class Request {
  constructor(requestId, url, { documentURL = "", frameId = null, loaderId = null, initiator = null } = {}) {
    this.requestId = requestId;
    this.url = url;
    this.documentURL = documentURL;
    this.frameId = frameId;
    this.loaderId = loaderId;
    this.initiator = initiator;
    this.issueTime = -1;
    this.wallIssueTime = undefined;
    this._startTime = -1;
    this._endTime = -1;
    this._responseReceivedTime = undefined;
    this.statusCode = 0;
    this.statusText = "";
    this.requestMethod = "";
    this.protocol = "";
    this.resourceType = "other";
    this.mimeType = undefined;
    this.requestHeaders = [];
    this.requestHeadersText = undefined;
    this.responseHeaders = [];
    this.responseHeadersText = "";
    this.remoteAddress = "";
    this.connectionId = "0";
    this._timing = undefined;
    this.resourceSize = 0;
    this.transferSize = 0;
    this.frames = [];
    this.hasPostData = false;
    this.postData = null;
    this.initialPriority = null;
    this.priority = null;
    this.fromDiskCache = false;
    this.fromMemoryCache = false;
    this.fetchedViaServiceWorker = false;
    this.localizedFailDescription = null;
    this.hasExtraRequestInfo = false;
    this.hasExtraResponseInfo = false;
    this.finished = false;
    this.failed = false;
  }

  get startTime() {
    return this._startTime || -1;
  }
  get endTime() {
    return this._endTime || -1;
  }
  set endTime(x) {
    if (this._timing && this._timing.requestTime) {
      this._endTime = Math.max(x, this.responseReceivedTime);
    } else {
      this._endTime = x;
      if (this._responseReceivedTime > x) this._responseReceivedTime = x;
    }
  }
  get responseReceivedTime() {
    return this._responseReceivedTime || -1;
  }
  set responseReceivedTime(x) {
    this._responseReceivedTime = x;
  }
  get timing() {
    return this._timing;
  }
  set timing(t) {
    if (!t || this.fromMemoryCache) return;
    this._startTime = t.requestTime;
    const headersReceivedTime = t.requestTime + t.receiveHeadersEnd / 1000.0;
    if ((this._responseReceivedTime || -1) < 0 || this._responseReceivedTime > headersReceivedTime) {
      this._responseReceivedTime = headersReceivedTime;
    }
    if (this._startTime > this._responseReceivedTime) this._responseReceivedTime = this._startTime;
    this._timing = t;
  }

  setIssueTime(monotonicTime, wallTime) {
    this.issueTime = monotonicTime;
    this.wallIssueTime = wallTime;
    this._startTime = monotonicTime;
  }
  pseudoWallTime(monotonicTime) {
    return this.wallIssueTime ? this.wallIssueTime - this.issueTime + monotonicTime : monotonicTime;
  }
  cached() {
    return (this.fromMemoryCache || this.fromDiskCache) && !this.transferSize;
  }
  headerValue(headers, name) {
    const values = headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);
    if (!values.length) return undefined;
    return values.join(name.toLowerCase() === "set-cookie" ? "\n" : ", ");
  }
  requestHeaderValue(name) {
    return this.headerValue(this.requestHeaders, name);
  }
  responseHeaderValue(name) {
    return this.headerValue(this.responseHeaders, name);
  }
  filteredProtocolName() {
    const p = this.protocol.toLowerCase();
    if (p === "h2") return "http/2.0";
    return p.replace(/^http\/2(\.0)?\+/, "http/2.0+");
  }
  requestHttpVersion() {
    const text = this.requestHeadersText;
    if (!text) return this.requestHeaderValue("version") || this.requestHeaderValue(":version") || this.filteredProtocolName();
    const m = text.split(/\r\n/)[0].match(/(HTTP\/\d+\.\d+)$/);
    return m ? m[1] : "HTTP/0.9";
  }
  responseHttpVersion() {
    const text = this.responseHeadersText;
    if (!text) return this.responseHeaderValue("version") || this.responseHeaderValue(":version") || this.filteredProtocolName();
    const m = text.split(/\r\n/)[0].match(/^(HTTP\/\d+\.\d+)/);
    return m ? m[1] : "HTTP/0.9";
  }
  queryParameters() {
    const q = this.url.indexOf("?");
    if (q < 0) return [];
    let qs = this.url.slice(q + 1);
    const h = qs.indexOf("#");
    if (h >= 0) qs = qs.slice(0, h);
    if (!qs) return [];
    return qs.split("&").map((pair) => {
      const i = pair.indexOf("=");
      return i < 0 ? { name: pair, value: "" } : { name: pair.slice(0, i), value: pair.slice(i + 1) };
    });
  }

  addExtraRequestInfo(info) {
    this.requestHeaders = info.requestHeaders;
    this.hasExtraRequestInfo = true;
    this.requestHeadersText = ""; // "non-provisional"
    if (info.connectTiming) this._startTime = info.connectTiming.requestTime;
  }
  addExtraResponseInfo(info) {
    this.responseHeaders = info.responseHeaders;
    if (info.responseHeadersText) {
      this.responseHeadersText = info.responseHeadersText;
      if (!this.requestHeadersText) {
        // Network.requestWillBeSentExtraInfo has no headers text: DevTools
        // writes one from the raw headers (HTTP/1.1, no final empty line).
        const u = new URL(this.url);
        let text = `${this.requestMethod} ${u.pathname}`;
        if (u.search.length > 1) text += u.search;
        text += " HTTP/1.1\r\n";
        for (const { name, value } of this.requestHeaders) text += `${name}: ${value}\r\n`;
        this.requestHeadersText = text;
      }
      this.statusText = info.responseHeadersText.split("\r")[0].split(" ").slice(2).join(" ");
    }
    if (info.statusCode) this.statusCode = info.statusCode;
    this.hasExtraResponseInfo = true;
  }
}

// NetworkManager's ExtraInfoBuilder: extra infos are applied once the
// response said hasExtraInfo (or the request finished).
class ExtraInfoBuilder {
  constructor() {
    this.requests = [];
    this.flags = [];
    this.requestInfos = [];
    this.responseInfos = [];
  }
  addRequest(req) {
    this.requests.push(req);
    this.sync(this.requests.length - 1);
  }
  addHasExtraInfo(has) {
    this.flags.push(has);
    if (!has) {
      this.requestInfos.splice(this.requests.length - 1, 0, null);
      this.responseInfos.splice(this.requests.length - 1, 0, null);
    }
    this.sync(this.requests.length - 1);
  }
  addRequestExtraInfo(info) {
    this.requestInfos.push(info);
    this.sync(this.requestInfos.length - 1);
  }
  addResponseExtraInfo(info) {
    this.responseInfos.push(info);
    this.sync(this.responseInfos.length - 1);
  }
  finished() {
    if (this.flags.length < this.requests.length) {
      this.flags.push(true);
      this.sync(this.flags.length - 1);
    }
  }
  sync(i) {
    const req = this.requests[i];
    if (!req || i >= this.flags.length || !this.flags[i]) return;
    if (this.requestInfos[i]) {
      req.addExtraRequestInfo(this.requestInfos[i]);
      this.requestInfos[i] = null;
    }
    if (this.responseInfos[i]) {
      req.addExtraResponseInfo(this.responseInfos[i]);
      this.responseInfos[i] = null;
    }
  }
}

// Platform.MimeType.isTextType, roughly.
const isTextType = (mime) =>
  Boolean(mime) && (/^text\//.test(mime) || /(json|xml|javascript|ecmascript)$/.test(mime) || mime.endsWith("+json") || mime.endsWith("+xml"));

// Writer: non-characters and lone surrogates make DevTools write base64.
function needsEncoding(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const valid = c < 0xd800 || (c >= 0xe000 && c < 0xfdd0) || (c > 0xfdef && c <= 0x10ffff && (c & 0xfffe) !== 0xfffe);
    if (!valid) return true;
  }
  return false;
}

export class HarRecorder {
  constructor() {
    this.requests = new Map(); // requestId -> Request
    this.order = []; // every Request, in creation order
    this.builders = new Map();
    this.page = null; // {id, url, startTime, contentLoadTime, loadTime}
    this.mainFrameId = null;
    this.pageRequests = new Set();
    this.warnings = [];
  }

  builder(id) {
    if (!this.builders.has(id)) this.builders.set(id, new ExtraInfoBuilder());
    return this.builders.get(id);
  }

  start(req) {
    this.requests.set(req.requestId, req);
    this.order.push(req);
    if (this.page) this.pageRequests.add(req);
  }

  finish(req, time, encodedDataLength) {
    req.endTime = time;
    req.finished = true;
    if (encodedDataLength >= 0) req.transferSize = encodedDataLength;
  }

  updateWithResponse(req, r) {
    if (r.url && req.url !== r.url) req.url = r.url;
    req.mimeType = r.mimeType;
    if (!req.statusCode) req.statusCode = r.status;
    if (!req.statusText) req.statusText = r.statusText;
    if (!req.hasExtraResponseInfo) req.responseHeaders = headersArray(r.headers);
    if (r.encodedDataLength >= 0) req.transferSize = r.encodedDataLength;
    if (r.requestHeaders && !req.hasExtraRequestInfo) {
      req.requestHeaders = headersArray(r.requestHeaders);
      req.requestHeadersText = r.requestHeadersText || "";
    }
    req.connectionId = String(r.connectionId);
    if (r.remoteIPAddress) req.remoteAddress = `${r.remoteIPAddress}:${r.remotePort || -1}`;
    if (r.fromServiceWorker) req.fetchedViaServiceWorker = true;
    if (r.fromDiskCache) req.fromDiskCache = true;
    req.timing = r.timing;
    req.protocol = r.protocol || "";
  }

  // One DevTools protocol event.
  event(method, p) {
    const req = p.requestId !== undefined ? this.requests.get(p.requestId) : undefined;
    switch (method) {
      case "Network.requestWillBeSent": {
        if (req) {
          if (p.redirectResponse) this.warnings.push(`redirect of ${p.requestId} not modelled`);
          return;
        }
        const r = new Request(p.requestId, p.request.url, {
          documentURL: p.documentURL,
          frameId: p.frameId ?? null,
          loaderId: p.loaderId,
          initiator: p.initiator,
        });
        r.requestMethod = p.request.method;
        r.requestHeaders = headersArray(p.request.headers);
        r.hasPostData = Boolean(p.request.hasPostData);
        r.postData = p.request.postData ?? null;
        r.initialPriority = p.request.initialPriority;
        r.setIssueTime(p.timestamp, p.wallTime);
        r.resourceType = p.type ? resourceType(p.type) : "other";
        this.builder(p.requestId).addRequest(r);
        this.start(r);
        return;
      }
      case "Network.requestWillBeSentExtraInfo":
        this.builder(p.requestId).addRequestExtraInfo({
          requestHeaders: headersArray(p.headers),
          connectTiming: p.connectTiming,
        });
        return;
      case "Network.responseReceived":
        if (!req) return;
        req.responseReceivedTime = p.timestamp;
        req.resourceType = resourceType(p.type);
        this.updateWithResponse(req, p.response);
        this.builder(p.requestId).addHasExtraInfo(p.hasExtraInfo);
        return;
      case "Network.responseReceivedExtraInfo":
        this.builder(p.requestId).addResponseExtraInfo({
          responseHeaders: headersArray(p.headers),
          responseHeadersText: p.headersText,
          statusCode: p.statusCode,
        });
        return;
      case "Network.resourceChangedPriority":
        if (req) req.priority = p.newPriority;
        return;
      case "Network.requestServedFromCache":
        if (req) {
          req.fromMemoryCache = true;
          req._timing = undefined;
        }
        return;
      case "Network.dataReceived":
        if (!req) return;
        req.resourceSize += p.dataLength;
        if (p.encodedDataLength !== -1) req.transferSize += p.encodedDataLength;
        req.endTime = p.timestamp;
        return;
      case "Network.loadingFinished":
        if (!req) return;
        this.builder(p.requestId).finished();
        this.finish(req, p.timestamp, p.encodedDataLength);
        return;
      case "Network.loadingFailed":
        if (!req) return;
        req.failed = true;
        req.resourceType = resourceType(p.type);
        req.localizedFailDescription = p.errorText;
        this.builder(p.requestId).finished();
        this.finish(req, p.timestamp, -1);
        return;
      case "Network.webSocketCreated": {
        const r = new Request(p.requestId, p.url, { initiator: p.initiator ?? null });
        r.resourceType = "websocket";
        this.start(r);
        return;
      }
      case "Network.webSocketWillSendHandshakeRequest":
        if (!req) return;
        req.requestMethod = "GET";
        req.requestHeaders = headersArray(p.request.headers);
        req.setIssueTime(p.timestamp, p.wallTime);
        return;
      case "Network.webSocketHandshakeResponseReceived":
        if (!req) return;
        req.statusCode = p.response.status;
        req.statusText = p.response.statusText;
        req.responseHeaders = headersArray(p.response.headers);
        req.responseHeadersText = p.response.headersText || "";
        if (p.response.requestHeaders) req.requestHeaders = headersArray(p.response.requestHeaders);
        if (p.response.requestHeadersText) req.requestHeadersText = p.response.requestHeadersText;
        req.responseReceivedTime = p.timestamp;
        req.protocol = "websocket";
        return;
      case "Network.webSocketFrameSent":
      case "Network.webSocketFrameReceived":
        if (!req) return;
        req.frames.push({
          type: method === "Network.webSocketFrameSent" ? "send" : "receive",
          time: req.pseudoWallTime(p.timestamp),
          opcode: p.response.opcode,
          data: p.response.payloadData,
        });
        req.responseReceivedTime = p.timestamp;
        return;
      case "Network.webSocketFrameError":
        if (!req) return;
        req.frames.push({ type: "error", time: req.pseudoWallTime(p.timestamp), opcode: -1, data: p.errorMessage });
        req.responseReceivedTime = p.timestamp;
        return;
      case "Network.webSocketClosed":
        if (req) this.finish(req, p.timestamp, -1);
        return;
      case "Page.frameNavigated":
        // NetworkLog: a main-frame navigation with a request for its loader
        // starts a PageLoad (page_1, …) whose startTime is that request's.
        if (!p.frame.parentId) {
          const main = this.order.find((r) => r.loaderId === p.frame.loaderId && r.resourceType === "document");
          if (main) {
            this.page = { id: 1, url: main.url, startTime: main.startTime, contentLoadTime: -1, loadTime: -1 };
            this.pageRequests = new Set(this.order.filter((r) => r.loaderId === p.frame.loaderId));
          }
        }
        return;
      case "Page.domContentEventFired":
        if (this.page) this.page.contentLoadTime = p.timestamp;
        return;
      case "Page.loadEventFired":
        if (this.page) this.page.loadTime = p.timestamp;
        return;
      default:
    }
  }

  // Log.Entry.buildTimings
  static timings(req) {
    const timing = req.timing;
    const issueTime = req.issueTime;
    const startTime = req.startTime;
    const ms = (t) => (t === -1 ? -1 : t * 1000);
    const result = {
      blocked: -1,
      dns: -1,
      ssl: -1,
      connect: -1,
      send: 0,
      wait: 0,
      receive: 0,
      _blocked_queueing: -1,
      _blocked_proxy: undefined,
    };
    const queuedTime = issueTime < startTime ? startTime - issueTime : -1;
    result.blocked = ms(queuedTime);
    result._blocked_queueing = ms(queuedTime);
    const leastNonNegative = (values) => values.reduce((best, v) => (v >= 0 && v < best ? v : best), Infinity);
    let highestTime = 0;
    if (timing) {
      const blockedStart = leastNonNegative([timing.dnsStart, timing.connectStart, timing.sendStart]);
      if (blockedStart !== Infinity) result.blocked += blockedStart;
      if (timing.proxyEnd !== -1) result._blocked_proxy = timing.proxyEnd - timing.proxyStart;
      if (result._blocked_proxy && result._blocked_proxy > result.blocked) result.blocked = result._blocked_proxy;
      const dnsStart = timing.dnsEnd >= 0 ? blockedStart : 0;
      const dnsEnd = timing.dnsEnd >= 0 ? timing.dnsEnd : -1;
      result.dns = dnsEnd - dnsStart;
      const sslStart = timing.sslEnd > 0 ? timing.sslStart : 0;
      const sslEnd = timing.sslEnd > 0 ? timing.sslEnd : -1;
      result.ssl = sslEnd - sslStart;
      const connectStart = timing.connectEnd >= 0 ? leastNonNegative([dnsEnd, blockedStart]) : 0;
      const connectEnd = timing.connectEnd >= 0 ? timing.connectEnd : -1;
      result.connect = connectEnd - connectStart;
      const sendStart = timing.sendEnd >= 0 ? Math.max(connectEnd, dnsEnd, blockedStart) : 0;
      const sendEnd = timing.sendEnd >= 0 ? timing.sendEnd : 0;
      result.send = sendEnd - sendStart;
      if (result.send < 0) result.send = 0;
      highestTime = Math.max(sendEnd, connectEnd, sslEnd, dnsEnd, blockedStart, 0);
      result._workerStart = timing.workerStart;
      result._workerReady = timing.workerReady;
      result._workerFetchStart = timing.workerFetchStart;
      result._workerRespondWithSettled = timing.workerRespondWithSettled;
      result._workerRouterEvaluationStart = timing.workerRouterEvaluationStart;
      result._workerCacheLookupStart = timing.workerCacheLookupStart;
    } else if (req.responseReceivedTime === -1) {
      result.blocked = ms(req.endTime - issueTime);
      return result;
    }
    const requestTime = timing ? timing.requestTime : startTime;
    const waitEnd = ms(req.responseReceivedTime - requestTime);
    result.wait = waitEnd - highestTime;
    const receiveEnd = ms(req.endTime - requestTime);
    result.receive = Math.max(receiveEnd - waitEnd, 0);
    return result;
  }

  // Log.Entry.build (+ Writer's content step, done by the caller).
  entry(req) {
    let ip = req.remoteAddress;
    const colon = ip.lastIndexOf(":");
    const connection = colon !== -1 ? ip.substring(colon + 1) : undefined;
    if (colon !== -1) ip = ip.substring(0, colon);
    const timings = HarRecorder.timings(req);
    let time = 0;
    for (const t of [timings.blocked, timings.dns, timings.connect, timings.send, timings.wait, timings.receive]) {
      time += Math.max(t, 0);
    }
    let initiator = null;
    if (req.initiator) {
      initiator = { type: req.initiator.type };
      if (req.initiator.url !== undefined) initiator.url = req.initiator.url;
      if (req.initiator.requestId !== undefined) initiator.requestId = req.initiator.requestId;
      if (req.initiator.lineNumber !== undefined) initiator.lineNumber = req.initiator.lineNumber;
      if (req.initiator.stack) initiator.stack = req.initiator.stack;
    }
    const postData = req.postData;
    const request = {
      method: req.requestMethod,
      url: req.url.split("#", 2)[0],
      httpVersion: req.requestHttpVersion(),
      headers: req.requestHeaders,
      queryString: req.queryParameters(),
      cookies: [],
      headersSize: req.requestHeadersText ? req.requestHeadersText.length : -1,
      bodySize: postData ? Buffer.byteLength(postData, "utf8") : 0,
      postData: undefined,
    };
    if (postData) request.postData = { mimeType: req.requestHeaderValue("Content-Type") || "", text: postData };
    else delete request.postData;
    const headersText = req.responseHeadersText;
    let bodySize;
    if (req.cached() || req.statusCode === 304) bodySize = 0;
    else if (!headersText) bodySize = -1;
    else bodySize = req.transferSize - headersText.length;
    const content = { size: req.resourceSize, mimeType: req.mimeType || "x-unknown", compression: undefined };
    if (!(req.cached() || req.statusCode === 304 || req.statusCode === 206) && headersText) {
      content.compression = req.resourceSize - bodySize;
    } else {
      delete content.compression;
    }
    const response = {
      status: req.statusCode,
      statusText: req.statusText,
      httpVersion: req.responseHttpVersion(),
      headers: req.responseHeaders,
      cookies: [],
      content,
      redirectURL: req.responseHeaderValue("Location") || "",
      headersSize: headersText ? headersText.length : -1,
      bodySize,
      _transferSize: req.transferSize,
      _error: req.localizedFailDescription,
      _fetchedViaServiceWorker: req.fetchedViaServiceWorker,
      _responseCacheStorageCacheName: undefined,
      _serviceWorkerResponseSource: undefined,
      _serviceWorkerRouterRuleIdMatched: undefined,
      _serviceWorkerRouterMatchedSourceType: undefined,
      _serviceWorkerRouterActualSourceType: undefined,
    };
    const e = {
      _connectionId: undefined,
      _fromCache: undefined,
      _initiator: initiator,
      _priority: req.priority || req.initialPriority || null,
      _resourceType: req.resourceType,
      _webSocketMessages: undefined,
      cache: {},
      connection,
      pageref: undefined,
      request,
      response,
      serverIPAddress: ip.replace(/\[\]/g, ""),
      startedDateTime: new Date(req.pseudoWallTime(req.issueTime) * 1000).toJSON(),
      time,
      timings,
    };
    if (req.cached()) e._fromCache = req.fromMemoryCache ? "memory" : "disk";
    else delete e._fromCache;
    if (req.connectionId !== "0") e._connectionId = req.connectionId;
    else delete e._connectionId;
    if (this.page && this.pageRequests.has(req)) e.pageref = `page_${this.page.id}`;
    else delete e.pageref;
    if (req.resourceType === "websocket") e._webSocketMessages = req.frames.map((f) => ({ ...f }));
    else delete e._webSocketMessages;
    return e;
  }

  // Writer.harStringForRequests. fetchPostData(requestId) and
  // fetchBody(requestId) call Network.getRequestPostData / getResponseBody
  // and return the protocol result or null on error.
  async build({ creatorVersion, fetchPostData, fetchBody }) {
    // NetworkLogView.harRequests: http(s)/ws(s) URLs only, finished
    // requests and websockets that got their 101.
    const http = /^(https?|wss?):/;
    const reqs = this.order
      .filter((r) => http.test(r.url) && (r.finished || (r.resourceType === "websocket" && r.responseReceivedTime > 0)))
      .sort((a, b) => a.issueTime - b.issueTime);
    for (const r of this.order) {
      if (!reqs.includes(r) && http.test(r.url)) this.warnings.push(`left out (unfinished): ${r.requestMethod} ${r.url}`);
    }
    for (const r of reqs) {
      if (r.hasPostData && r.postData === null) r.postData = (await fetchPostData(r.requestId))?.postData ?? null;
    }
    const entries = reqs.map((r) => this.entry(r));
    const pages = [];
    if (this.page) {
      const first = reqs.find((r) => this.pageRequests.has(r));
      const ms = (t) => (t === -1 || this.page.startTime === -1 ? -1 : (t - this.page.startTime) * 1000);
      pages.push({
        startedDateTime: new Date(first.pseudoWallTime(this.page.startTime) * 1000).toJSON(),
        id: `page_${this.page.id}`,
        title: this.page.url,
        pageTimings: { onContentLoad: ms(this.page.contentLoadTime), onLoad: ms(this.page.loadTime) },
      });
    }
    for (let i = 0; i < reqs.length; i++) {
      if (reqs[i].resourceType === "websocket") continue; // "no content for WebSockets"
      const body = await fetchBody(reqs[i].requestId);
      if (!body) continue;
      // ContentData.asDeferredContent: text types as text, others base64;
      // text with non-characters is base64 too.
      let text = body.body;
      let encoded = body.base64Encoded;
      if (encoded && isTextType(reqs[i].mimeType)) {
        text = Buffer.from(text, "base64").toString("utf8");
        encoded = false;
      }
      if (text && !encoded && needsEncoding(text)) {
        text = Buffer.from(text, "utf8").toString("base64");
        encoded = true;
      }
      const content = entries[i].response.content;
      content.text = text;
      if (encoded) content.encoding = "base64";
    }
    const log = { version: "1.2", creator: { name: "WebInspector", version: creatorVersion }, pages, entries };
    return JSON.stringify({ log }, null, 2);
  }
}
