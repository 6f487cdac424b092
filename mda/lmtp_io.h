/*
 * lmtp_io.h: buffered socket I/O for an LMTP session: command lines with
 * a length cap, DATA with dot-unstuffing, BDAT octet counts, and replies
 * held back until the input is drained (RFC 2920 pipelining).
 */
#ifndef SIREN_LMTP_IO_H
#define SIREN_LMTP_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define LMTP_MAX_LINE 4096	/* command line cap, CRLF included */

enum lmtp_io_status {
	LMTP_IO_OK = 0,
	LMTP_IO_EOF = -1,	/* peer closed or I/O error */
	LMTP_IO_TIMEOUT = -2,
	LMTP_IO_SHUTDOWN = -3,	/* shutdown requested while idle */
	LMTP_IO_TOOLONG = -4,	/* line over LMTP_MAX_LINE, discarded */
};

struct lmtp_io {
	int fd;
	char *in;
	size_t off, len, cap;
	struct buf out;
	bool failed;		/* write failed: the peer is gone */
};

void lmtp_io_init(struct lmtp_io *io, int fd);
void lmtp_io_free(struct lmtp_io *io);

/* Queue a reply line (CRLF added). */
void lmtp_io_reply(struct lmtp_io *io, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Write everything queued.  Returns false when the peer is gone. */
bool lmtp_io_flush(struct lmtp_io *io);

/* Read one command line into line (NUL-terminated, CRLF/LF stripped,
 * at most LMTP_MAX_LINE bytes).  Flushes replies before blocking.  With
 * interruptible, a shutdown request ends the wait (LMTP_IO_SHUTDOWN). */
enum lmtp_io_status lmtp_io_line(struct lmtp_io *io, char *line,
				 int timeout_ms, bool interruptible);

/* Read DATA up to the lone "." line: unstuff leading dots, turn bare LF
 * into CRLF, append to msg while it stays within max bytes.  *size_r is
 * the whole size seen (also past max). */
enum lmtp_io_status lmtp_io_data(struct lmtp_io *io, struct buf *msg,
				 size_t max, size_t *size_r, int timeout_ms);

/* Read exactly n octets (BDAT), appending to msg while msg stays within
 * max bytes. */
enum lmtp_io_status lmtp_io_octets(struct lmtp_io *io, struct buf *msg,
				   unsigned long long n, size_t max,
				   int timeout_ms);

/* Set by lmtp_request_shutdown(). */
extern volatile int lmtp_shutdown_requested;

#endif
