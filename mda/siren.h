/*
 * siren.h: the one result enum for mda/ operations that may fail
 * temporarily.  Only the LMTP layer maps these to reply codes.
 */
#ifndef SIREN_SIREN_H
#define SIREN_SIREN_H

enum siren_status {
	SIREN_OK = 0,
	SIREN_TEMPFAIL = -1,	/* 4xx, EX_TEMPFAIL: the MTA retries */
	SIREN_PERMFAIL = -2,	/* 5xx: refuse for good */
};

#endif
