/* plugin.c
 * Entry points Wireshark's plugin loader looks for (epan/plugins, 4.0 ABI):
 * plugin_version, plugin_want_major/minor and plugin_register(), which
 * hands our protocols' register and handoff functions to epan; and, where
 * the headers define WS_PLUGIN_DESC_DISSECTOR (4.4 and later),
 * plugin_describe(), so that `tshark -G plugins` and About > Plugins call
 * it a dissector plugin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gmodule.h>

#include <epan/proto.h>
#include <ws_version.h>
#include <ws_symbol_export.h>
#include "xmppws-compat.h"   /* wsutil/plugins.h where it is installed */
#include "packet-finesse-xmpp.h"
#include "packet-finesse.h"

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void
plugin_register(void)
{
    static proto_plugin plug_xmppws;

    plug_xmppws.register_protoinfo = proto_register_xmppws;
    plug_xmppws.register_handoff = proto_reg_handoff_xmppws;
    proto_register_plugin(&plug_xmppws);

    static proto_plugin plug_finesse;

    plug_finesse.register_protoinfo = proto_register_finesse;
    plug_finesse.register_handoff = proto_reg_handoff_finesse;
    proto_register_plugin(&plug_finesse);
}
