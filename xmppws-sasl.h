/* xmppws-sasl.h
 * Element handlers of SASL (xmppws-sasl.c): RFC 6120 6, PLAIN (RFC 4616),
 * SCRAM (RFC 5802), and the "credentials" tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XMPPWS_SASL_H
#define XMPPWS_SASL_H

#include "xmppws-core.h"

/* Register the fields, experts, the credentials tap, and the handlers of
 * <auth/>, <challenge/>, <response/>, <success/>, <failure/>, <abort/>. */
void xmppws_register_sasl(int proto);

#endif /* XMPPWS_SASL_H */
