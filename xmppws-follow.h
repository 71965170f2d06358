/* xmppws-follow.h
 * Follow XMPP Stream (xmppws-follow.c): Wireshark's follow API
 * (epan/follow.h) over the "xmppws_follow" tap of whole units. One stream
 * (xmppws.stream == N: a WebSocket connection, or a BOSH session across its
 * connections) in capture order, each unit as sent, client and server
 * apart, except that a XEP-0060 item's payload that holds XML (a Cisco
 * Finesse <notification/>, its <Update/> escaped or literal) is shown as a
 * block, one element per line, indented, with escaped XML unescaped, and
 * that XML escaped in any other text node is shown the same way.
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
 * tree is `root` (NULL: the bytes as they are): the bytes, except that
 *  - the payload of a XEP-0060 <item/> that holds elements or escaped XML,
 *  - any other text node that holds escaped XML (it contains "&lt;"),
 * when GLib's GMarkup reads them as well-formed XML, are replaced by that
 * XML one element per line, indented by two spaces a level, on lines of
 * their own, escaped XML inside them unescaped (3 levels deep at most);
 * ends with a newline. A g_malloc'ed string; *out_len is its length. Never
 * fails: anything it cannot read stays as sent. */
char *xmppws_follow_text(const guint8 *data, guint len, xml_frame_t *root, gsize *out_len);

#endif /* XMPPWS_FOLLOW_H */
