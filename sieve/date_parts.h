/*
 * date_parts.h (internal): the date-part values of RFC 5260 2.4
 * ("year" .. "weekday") for a UTC time seen in a given zone, and the
 * zone arguments of the date and currentdate tests.  Pure functions, so
 * the date extension and its unit tests share them.
 */
#ifndef SIEVE_DATE_PARTS_H
#define SIEVE_DATE_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Room for the longest part value ("Mon, 20 Jul 2009 21:44:43 +0300"). */
#define SIEVE_DATE_PART_MAX	64

/* Is name (case-insensitive) one of the RFC 5260 date-parts? */
bool sieve_date_part_valid(const char *name);
/* Write the part of t (UTC) shown in zone (minutes east of UTC) to buf
 * (SIEVE_DATE_PART_MAX bytes).  False for an unknown part or a time the
 * C library cannot break down. */
bool sieve_date_part(time_t t, int zone_minutes, const char *part,
		     char *buf);
/* Parse a :zone argument, "+hhmm" or "-hhmm" (RFC 5260 2.3), exactly
 * five characters; mm must be below 60. */
bool sieve_date_zone_parse(const char *s, int *zone_minutes_r);
/* The local zone's offset at t, minutes east of UTC. */
int sieve_date_local_zone(time_t t);

#endif
