/* fuzz-har.c
 * libFuzzer target of the HAR reader (har/har.c): every input is a HAR file
 * given to har_convert(), whose result (or error) is freed. Built in the
 * ASan+UBSan build next to fuzz-xmppws (fuzz/CMakeLists.txt):
 *   <build>/fuzz/fuzz-har -max_len=65536 fuzz/har-corpus
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <wsutil/wslog.h>

#include "xmppws-compat.h"
#include "har.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc _U_, char ***argv _U_)
{
    /* wsjson logs every refusal at debug level */
    XMPPWS_LOG_INIT("fuzz-har");
    ws_log_set_level(LOG_LEVEL_CRITICAL);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = g_malloc(size + 1);
    char *error = NULL;
    har_result_t *res;

    memcpy(buf, data, size);
    buf[size] = '\0';
    res = har_convert(buf, size, &error);
    har_result_free(res);
    g_free(error);
    g_free(buf);
    return 0;
}
