/* xmppws-stats.h
 * Statistics of xmppws (xmppws-stats.c), fed by the "xmppws" tap:
 * -z xmppws,tree (Statistics > XMPP over WebSocket) and the per-connection
 * ladder -z xmppws,ladder. Reads the tap records only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_STATS_H
#define XMPPWS_STATS_H

/* Register the stats_tree and the ladder's command-line tap. */
void xmppws_handoff_stats(void);

#endif /* XMPPWS_STATS_H */
