/* xmppws-follow.h
 * Follow XMPP Stream (xmppws-follow.c): Wireshark's follow API
 * (epan/follow.h) over the "xmppws_follow" tap of whole units. One stream
 * (xmppws.stream == N: a WebSocket connection, or a BOSH session across its
 * connections) in capture order, each unit as sent, client and server
 * apart; XML escaped inside a text node (a Cisco Finesse <Update/> in a
 * pubsub <notification/>) is shown unescaped and indented.
 *
 *   tshark -q -z follow,xmppws,ascii,N -r FILE      (every supported version)
 *   Analyze > Follow > XMPP/WS Stream               (where the GUI lists
 *                                                    registered followers: README)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_FOLLOW_H
#define XMPPWS_FOLLOW_H

#include <epan/packet.h>
#include <epan/dissectors/packet-xml.h>

/* Register the follower of protocol `proto` (xmppws). Call at registration,
 * after xmppws_register_core(). */
void xmppws_register_follow(int proto);

/* The text Follow shows for a unit of `len` bytes at `data` whose element
 * tree is `root` (NULL: the bytes as they are): the bytes, except that each
 * text node that holds escaped XML (it contains "&lt;" and unescapes to
 * well-formed XML, read by GLib's GMarkup) is replaced by that XML,
 * unescaped, one element per line, indented by two spaces a level, on lines
 * of its own; ends with a newline. A g_malloc'ed string; *out_len is its
 * length. Never fails: anything it cannot read stays as sent. */
char *xmppws_follow_text(const guint8 *data, guint len, xml_frame_t *root, gsize *out_len);

#endif /* XMPPWS_FOLLOW_H */
