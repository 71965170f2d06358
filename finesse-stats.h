/* finesse-stats.h
 * Statistics of the Finesse notification dissector (finesse-stats.c):
 * -z finesse,tree, fed by the "finesse" tap. Reads the tap records only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FINESSE_STATS_H
#define FINESSE_STATS_H

/* Register the stats_tree. */
void finesse_handoff_stats(void);

#endif /* FINESSE_STATS_H */
