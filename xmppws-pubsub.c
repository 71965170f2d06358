/* xmppws-pubsub.c
 * Publish-subscribe (XEP-0060): requests and results in <iq/> (pubsub and
 * pubsub#owner, sections 6-8) and event notifications in <message/>
 * (pubsub#event, section 7.1.2). Item payloads that are Finesse
 * notifications are handed to the "finesse" dissector when it is there.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/conversation.h>

#include "xmppws-pubsub.h"

static int hf_pubsub = -1;
static int hf_pubsub_action = -1;
static int hf_pubsub_node = -1;
static int hf_pubsub_jid = -1;
static int hf_pubsub_subid = -1;
static int hf_pubsub_subscription = -1;
static int hf_pubsub_item_id = -1;
static int hf_pubsub_item_payload_ns = -1;
static int hf_pubsub_event = -1;
static int hf_pubsub_event_action = -1;
static int hf_pubsub_event_node = -1;
static int hf_pubsub_event_retract = -1;

static heur_dissector_list_t payload_heur_list;

static gint ett_pubsub = -1;
static gint ett_pubsub_action = -1;
static gint ett_pubsub_item = -1;

/* Offer an item payload (its content, escaped or literal) to the
 * dissectors on the "xmppws.pubsub" heuristic list; the summary of the one
 * that takes it joins the Info column. */
static void
call_payload_dissectors(xmppws_ctx_t *ctx, xml_frame_t *payload, proto_tree *tree, const char *node,
                        const char *item_id)
{
    const xmppws_doc_t *doc = &ctx->doc;
    xmppws_pubsub_payload_t call;
    heur_dtbl_entry_t *hdtbl_entry;
    xml_frame_t *f;
    int start = -1, end = -1;
    tvbuff_t *content;
    const char *ns = xmppws_el_ns(doc, payload);

    for (f = payload->first_child; f; f = f->next_sibling) {
        if (f->type == XML_FRAME_ATTRIB)
            continue;
        if (start < 0)
            start = f->start_offset;
        end = f->start_offset + f->length;
    }
    if (start < 0 || end <= start)
        return;
    content = tvb_new_subset_length(doc->tvb, start, end - start);
    call.node = node;
    call.item_id = item_id;
    call.payload_ns = ns ? ns : "";
    call.payload_name = payload->name_orig_case;
    call.direction = ctx->direction;
    call.stream = ctx->stream->index;
    call.summary = wmem_strbuf_new(doc->pinfo->pool, "");
    dissector_try_heuristic(payload_heur_list, content, doc->pinfo, tree, &hdtbl_entry, &call);
    if (wmem_strbuf_get_len(call.summary) > 0)
        wmem_strbuf_append_printf(ctx->info_lead, "%s%s", wmem_strbuf_get_len(ctx->info_lead) ? "; " : "",
                                  wmem_strbuf_get_str(call.summary));
}

/* <item/> elements under `parent`: their ids and payload namespaces. Returns
 * the first item's id for the summary. */
static const char *
dissect_items(xmppws_ctx_t *ctx, xml_frame_t *parent, proto_tree *tree, int *count, const char *node)
{
    const xmppws_doc_t *doc = &ctx->doc;
    const char *first_id = NULL;
    xml_frame_t *item;

    *count = 0;
    for (item = xmppws_el_child(doc, parent, NULL, "item"); item; item = xmppws_el_next(doc, item, NULL, "item")) {
        proto_tree *it = proto_tree_add_subtree(tree, doc->tvb, item->start_offset, item->length,
                                                ett_pubsub_item, NULL, "Item");
        const char *id;
        xml_frame_t *payload;

        xmppws_add_attr(doc, it, hf_pubsub_item_id, item, "id", &id);
        if (id)
            proto_item_append_text(proto_tree_get_parent(it), " %s", id);
        if (!first_id)
            first_id = id;
        for (payload = xmppws_el_child(doc, item, NULL, NULL); payload;
             payload = xmppws_el_next(doc, payload, NULL, NULL)) {
            const char *ns = xmppws_el_ns(doc, payload);
            proto_tree_add_string(it, hf_pubsub_item_payload_ns, doc->tvb, payload->start_offset,
                                  payload->length, ns ? ns : "");
            call_payload_dissectors(ctx, payload, it, node, id);
        }
        (*count)++;
    }
    return first_id;
}

/* " node=N item=I" (one item) or " node=N items=K" for the Info column. */
static void
append_node_items(wmem_strbuf_t *info, const char *node, int items, const char *first_item)
{
    xmppws_info_kv(info, "node", node);
    if (items == 1)
        xmppws_info_kv(info, "item", first_item);
    else if (items > 1)
        wmem_strbuf_append_printf(info, " items=%d", items);
}

gboolean
xmppws_dissect_pubsub(xmppws_ctx_t *ctx, xml_frame_t *pubsub, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    gboolean owner = xmppws_el_is(doc, pubsub, XMPPWS_NS_PUBSUB_OWNER, "pubsub");
    proto_item *ti;
    proto_tree *st;
    xml_frame_t *a;

    if (!owner && !xmppws_el_is(doc, pubsub, XMPPWS_NS_PUBSUB, "pubsub"))
        return FALSE;
    ti = xmppws_add_el(doc, tree, hf_pubsub, pubsub);
    st = proto_item_add_subtree(ti, ett_pubsub);
    wmem_strbuf_append(ctx->info, owner ? " pubsub#owner" : " pubsub");

    for (a = xmppws_el_child(doc, pubsub, NULL, NULL); a; a = xmppws_el_next(doc, a, NULL, NULL)) {
        const char *action = a->name_orig_case;
        proto_item *ai = proto_tree_add_string(st, hf_pubsub_action, doc->tvb, a->start_offset, a->length, action);
        proto_tree *at = proto_item_add_subtree(ai, ett_pubsub_action);
        const char *node, *jid, *subscription, *first_item;
        int items;

        xmppws_add_attr(doc, at, hf_pubsub_node, a, "node", &node);
        xmppws_add_attr(doc, at, hf_pubsub_jid, a, "jid", &jid);
        xmppws_add_attr(doc, at, hf_pubsub_subid, a, "subid", NULL);
        xmppws_add_attr(doc, at, hf_pubsub_subscription, a, "subscription", &subscription);
        first_item = dissect_items(ctx, a, at, &items, node);
        if (!ctx->tap->pubsub_action) {
            ctx->tap->pubsub_action = action;
            ctx->tap->pubsub_node = node;
        }

        if (strcmp(action, "subscription") == 0) {
            /* a result: the subscription's state (XEP-0060 6.1.2) */
            xmppws_info_kv(ctx->info, "subscription", subscription);
            xmppws_info_kv(ctx->info, "node", node);
        } else if (strcmp(action, "subscriptions") == 0 || strcmp(action, "affiliations") == 0) {
            xml_frame_t *s;
            int n = 0;
            for (s = xmppws_el_child(doc, a, NULL, NULL); s; s = xmppws_el_next(doc, s, NULL, NULL)) {
                proto_tree *sub = proto_tree_add_subtree(at, doc->tvb, s->start_offset, s->length,
                                                         ett_pubsub_item, NULL, s->name_orig_case);
                xmppws_add_attr(doc, sub, hf_pubsub_node, s, "node", NULL);
                xmppws_add_attr(doc, sub, hf_pubsub_jid, s, "jid", NULL);
                xmppws_add_attr(doc, sub, hf_pubsub_subid, s, "subid", NULL);
                xmppws_add_attr(doc, sub, hf_pubsub_subscription, s, "subscription", NULL);
                n++;
            }
            wmem_strbuf_append_printf(ctx->info, " %s", action);
            xmppws_info_kv(ctx->info, "node", node);
            if (n)
                wmem_strbuf_append_printf(ctx->info, " (%d)", n);
        } else {
            wmem_strbuf_append_printf(ctx->info, " %s", action);
            append_node_items(ctx->info, node, items, first_item);
        }
    }
    return TRUE;
}

gboolean
xmppws_dissect_pubsub_event(xmppws_ctx_t *ctx, xml_frame_t *event, proto_tree *tree)
{
    const xmppws_doc_t *doc = &ctx->doc;
    proto_item *ti;
    proto_tree *st;
    xml_frame_t *a;

    if (!xmppws_el_is(doc, event, XMPPWS_NS_PUBSUB_EVENT, "event"))
        return FALSE;
    ti = xmppws_add_el(doc, tree, hf_pubsub_event, event);
    st = proto_item_add_subtree(ti, ett_pubsub);
    wmem_strbuf_append(ctx->info, " pubsub event");

    for (a = xmppws_el_child(doc, event, NULL, NULL); a; a = xmppws_el_next(doc, a, NULL, NULL)) {
        const char *action = a->name_orig_case;
        proto_item *ai = proto_tree_add_string(st, hf_pubsub_event_action, doc->tvb, a->start_offset, a->length,
                                               action);
        proto_tree *at = proto_item_add_subtree(ai, ett_pubsub_action);
        const char *node, *first_item;
        int items;
        xml_frame_t *r;

        xmppws_add_attr(doc, at, hf_pubsub_event_node, a, "node", &node);
        xmppws_add_attr(doc, at, hf_pubsub_jid, a, "jid", NULL);
        xmppws_add_attr(doc, at, hf_pubsub_subid, a, "subid", NULL);
        xmppws_add_attr(doc, at, hf_pubsub_subscription, a, "subscription", NULL);
        first_item = dissect_items(ctx, a, at, &items, node);
        if (!ctx->tap->pubsub_action) {
            ctx->tap->pubsub_action = wmem_strdup_printf(doc->pinfo->pool, "event %s", action);
            ctx->tap->pubsub_node = node;
        }
        for (r = xmppws_el_child(doc, a, NULL, "retract"); r; r = xmppws_el_next(doc, r, NULL, "retract"))
            xmppws_add_attr(doc, at, hf_pubsub_event_retract, r, "id", NULL);

        if (strcmp(action, "items") != 0)
            wmem_strbuf_append_printf(ctx->info, " %s", action);
        append_node_items(ctx->info, node, items, first_item);
    }
    return TRUE;
}

void
xmppws_register_pubsub(int proto)
{
    static hf_register_info hf[] = {
        { &hf_pubsub, { "Pubsub", "xmppws.pubsub", FT_NONE, BASE_NONE, NULL, 0x0,
            "<pubsub/> request or result (XEP-0060)", HFILL } },
        { &hf_pubsub_action, { "Action", "xmppws.pubsub.action", FT_STRING, BASE_NONE, NULL, 0x0,
            "subscribe, unsubscribe, subscriptions, items, publish, create, subscription, ... (XEP-0060)",
            HFILL } },
        { &hf_pubsub_node, { "Node", "xmppws.pubsub.node", FT_STRING, BASE_NONE, NULL, 0x0,
            "NodeID, e.g. /finesse/api/User/<id>", HFILL } },
        { &hf_pubsub_jid, { "JID", "xmppws.pubsub.jid", FT_STRING, BASE_NONE, NULL, 0x0,
            "Subscriber JID (XEP-0060 6.1.1)", HFILL } },
        { &hf_pubsub_subid, { "Subscription ID", "xmppws.pubsub.subid", FT_STRING, BASE_NONE, NULL, 0x0,
            "SubID (XEP-0060 6.1.6)", HFILL } },
        { &hf_pubsub_subscription, { "Subscription state", "xmppws.pubsub.subscription", FT_STRING,
            BASE_NONE, NULL, 0x0, "none, pending, subscribed or unconfigured (XEP-0060 4.2)", HFILL } },
        { &hf_pubsub_item_id, { "Item ID", "xmppws.pubsub.item.id", FT_STRING, BASE_NONE, NULL, 0x0,
            "ItemID (XEP-0060 4.3)", HFILL } },
        { &hf_pubsub_item_payload_ns, { "Item payload namespace", "xmppws.pubsub.item.payload_ns", FT_STRING,
            BASE_NONE, NULL, 0x0, "Namespace of the item's payload element", HFILL } },
        { &hf_pubsub_event, { "Pubsub event", "xmppws.pubsub.event", FT_NONE, BASE_NONE, NULL, 0x0,
            "<event/> notification (XEP-0060 7.1.2)", HFILL } },
        { &hf_pubsub_event_action, { "Event kind", "xmppws.pubsub.event.action", FT_STRING, BASE_NONE, NULL,
            0x0, "items, delete, purge, configuration or subscription (XEP-0060 7-8)", HFILL } },
        { &hf_pubsub_event_node, { "Node", "xmppws.pubsub.event.node", FT_STRING, BASE_NONE, NULL, 0x0,
            "Node the event comes from", HFILL } },
        { &hf_pubsub_event_retract, { "Retracted item", "xmppws.pubsub.event.retract", FT_STRING, BASE_NONE,
            NULL, 0x0, "ItemID of a retracted item (XEP-0060 7.2.2.1)", HFILL } },
    };
    static gint *ett[] = { &ett_pubsub, &ett_pubsub_action, &ett_pubsub_item };

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    payload_heur_list = xmppws_register_heur_list(XMPPWS_PUBSUB_LIST, "XMPP pubsub item payload", proto);
}

