/* clock.h - the monotonic clock, for timeouts, deadlines and latencies. */
#ifndef LC_CLOCK_H
#define LC_CLOCK_H

/* Milliseconds on CLOCK_MONOTONIC: only differences mean anything. */
double clock_ms(void);

#endif
