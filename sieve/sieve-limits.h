/*
 * limits.h (internal): every limit of the engine in one place.  The
 * configurable ones have their defaults here; sieve_config_defaults()
 * copies them.  The rest protect memory and the stack.
 */
#ifndef SIEVE_LIMITS_H
#define SIEVE_LIMITS_H

#define SIEVE_DEF_MAX_SCRIPT_SIZE	(1024 * 1024)
#define SIEVE_DEF_MAX_NESTING		32
#define SIEVE_DEF_MAX_ACTIONS		32
#define SIEVE_DEF_MAX_REDIRECTS		4
#define SIEVE_DEF_MAX_NOTIFY		10
#define SIEVE_DEF_MAX_CPU_MS		10000
#define SIEVE_DEF_MAX_VARIABLE_SIZE	4096
#define SIEVE_DEF_MAX_INCLUDE_DEPTH	10
#define SIEVE_DEF_SUBADDRESS_SEP	'+'
#define SIEVE_DEF_VACATION_MIN		86400UL
#define SIEVE_DEF_VACATION_DEFAULT	(7 * 86400UL)
#define SIEVE_DEF_VACATION_MAX		(60 * 86400UL)
#define SIEVE_DEF_DUPLICATE_DEFAULT	(7 * 86400UL)
#define SIEVE_DEF_DUPLICATE_MAX		(7 * 86400UL)

#define SIEVE_MAX_ERRORS	20	/* diagnostics kept per compile */
#define SIEVE_MATCH_VARS	33	/* ${0}..${32}, as Pigeonhole (RFC: >= ${9}) */
#define SIEVE_MAX_VARIABLES	255	/* per script (RFC 5229: >= 128) */
#define SIEVE_MAX_VARNAME	64	/* RFC 5229: >= 32 */
#define SIEVE_MAX_PARSE_DEPTH	64	/* tests inside tests, hard cap */
#define SIEVE_MAX_NUMBER	0xFFFFFFFFFFFFull /* bigger: syntax error */
#define SIEVE_REGEX_MATCH_LIMIT	100000	/* pcre2_set_match_limit */
#define SIEVE_REGEX_DEPTH_LIMIT	5000	/* pcre2_set_depth_limit */
#define SIEVE_REGEX_HEAP_KB	8192	/* pcre2_set_heap_limit */

#endif
