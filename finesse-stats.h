/* finesse-stats.h
 * Statistics of the Finesse notification dissector (finesse-stats.c):
 * -z finesse,tree and -z finesse,srt, fed by the "finesse" tap. Reads the
 * tap records only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FINESSE_STATS_H
#define FINESSE_STATS_H

/* Register the stats_tree (-z finesse,tree) and the Service Response Time
 * table of the REST API (-z finesse,srt) of protocol `proto` (finesse). */
void finesse_handoff_stats(int proto);

#endif /* FINESSE_STATS_H */
