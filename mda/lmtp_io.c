/*
 * lmtp_io.c: the byte level of an LMTP session.  Replies are queued and
 * written only when the session would block on input, so a pipelined
 * group (RFC 2920) gets its replies in one write, in order.  DATA follows
 * RFC 5321 4.5.2 (a leading dot is removed; "." alone ends the data) and
 * tolerates bare LF line ends; BDAT (RFC 3030) reads raw octets.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lmtp_io.h"

volatile int lmtp_shutdown_requested;

void lmtp_io_init(struct lmtp_io *io, int fd)
{
	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->cap = 16384;
	io->in = xmalloc(io->cap);
}

void lmtp_io_free(struct lmtp_io *io)
{
	free(io->in);
	buf_free(&io->out);
	io->in = NULL;
}

void lmtp_io_reply(struct lmtp_io *io, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_puts(&io->out, line);
	buf_puts(&io->out, "\r\n");
}

bool lmtp_io_flush(struct lmtp_io *io)
{
	size_t done = 0;
	while (!io->failed && done < io->out.len) {
		ssize_t n = send(io->fd, io->out.data + done,
				 io->out.len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)	/* a pipe, in tests */
			n = write(io->fd, io->out.data + done,
				  io->out.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			io->failed = true;
		else
			done += (size_t)n;
	}
	io->out.len = 0;
	return !io->failed;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for readability: polls in slices of at most a second so a
 * shutdown request that races with poll() is still seen. */
static enum lmtp_io_status io_wait(struct lmtp_io *io, int timeout_ms,
				   bool interruptible)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		if (interruptible && lmtp_shutdown_requested)
			return LMTP_IO_SHUTDOWN;
		long long left = deadline - now_ms();
		if (left <= 0)
			return LMTP_IO_TIMEOUT;
		struct pollfd pfd = { .fd = io->fd, .events = POLLIN };
		int rc = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (rc > 0)
			return LMTP_IO_OK;
		if (rc < 0 && errno != EINTR)
			return LMTP_IO_EOF;
	}
}

/* Read more input, flushing queued replies first: we are about to
 * block, so the client may be waiting for them. */
static enum lmtp_io_status io_fill(struct lmtp_io *io, int timeout_ms,
				   bool interruptible)
{
	if (io->out.len && !lmtp_io_flush(io))
		return LMTP_IO_EOF;
	if (io->off > 0) {
		memmove(io->in, io->in + io->off, io->len - io->off);
		io->len -= io->off;
		io->off = 0;
	}
	if (io->cap - io->len < 4096) {
		io->cap *= 2;
		io->in = xrealloc(io->in, io->cap);
	}
	enum lmtp_io_status st = io_wait(io, timeout_ms, interruptible);
	if (st != LMTP_IO_OK)
		return st;
	ssize_t n;
	do
		n = read(io->fd, io->in + io->len, io->cap - io->len);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return LMTP_IO_EOF;
	io->len += (size_t)n;
	return LMTP_IO_OK;
}

enum lmtp_io_status lmtp_io_line(struct lmtp_io *io, char *line,
				 int timeout_ms, bool interruptible)
{
	bool toolong = false;
	for (;;) {
		char *p = io->in + io->off;
		char *nl = memchr(p, '\n', io->len - io->off);
		if (nl) {
			size_t n = (size_t)(nl - p) + 1;
			io->off += n;
			if (toolong || n > LMTP_MAX_LINE)
				return LMTP_IO_TOOLONG;
			n--;
			if (n && p[n - 1] == '\r')
				n--;
			memcpy(line, p, n);
			line[n] = '\0';
			return LMTP_IO_OK;
		}
		if (io->len - io->off >= LMTP_MAX_LINE) {
			toolong = true;		/* drop it, keep looking */
			io->off = io->len;
		}
		enum lmtp_io_status st = io_fill(io, timeout_ms,
						 interruptible && !toolong &&
						 io->off == io->len);
		if (st != LMTP_IO_OK)
			return st;
	}
}

/* Make at least need bytes available. */
static enum lmtp_io_status io_need(struct lmtp_io *io, size_t need,
				   int timeout_ms)
{
	while (io->len - io->off < need) {
		enum lmtp_io_status st = io_fill(io, timeout_ms, false);
		if (st != LMTP_IO_OK)
			return st;
	}
	return LMTP_IO_OK;
}

static void msg_add(struct buf *msg, const char *p, size_t n, size_t max,
		    size_t *size)
{
	*size += n;
	if (*size <= max)
		buf_append(msg, p, n);
}

/* At the start of a line: the end marker or a stuffed dot?  Returns 1
 * at the end of data, 0 otherwise (the stuffed dot consumed). */
static int data_line_start(struct lmtp_io *io, int timeout_ms,
			   enum lmtp_io_status *st)
{
	if ((*st = io_need(io, 1, timeout_ms)) != LMTP_IO_OK)
		return -1;
	if (io->in[io->off] != '.')
		return 0;
	if ((*st = io_need(io, 2, timeout_ms)) != LMTP_IO_OK)
		return -1;
	const char *p = io->in + io->off;
	if (p[1] == '\n') {
		io->off += 2;
		return 1;
	}
	if (p[1] == '\r') {
		if ((*st = io_need(io, 3, timeout_ms)) != LMTP_IO_OK)
			return -1;
		if (io->in[io->off + 2] == '\n') {
			io->off += 3;
			return 1;
		}
	}
	io->off++;	/* RFC 5321 4.5.2: drop the first of the dots */
	return 0;
}

enum lmtp_io_status lmtp_io_data(struct lmtp_io *io, struct buf *msg,
				 size_t max, size_t *size_r, int timeout_ms)
{
	enum lmtp_io_status st = LMTP_IO_OK;
	bool bol = true, cr = false;	/* cr: last byte added was CR */
	*size_r = 0;
	for (;;) {
		if (bol) {
			int end = data_line_start(io, timeout_ms, &st);
			if (end < 0)
				return st;
			if (end)
				return LMTP_IO_OK;
		}
		if ((st = io_need(io, 1, timeout_ms)) != LMTP_IO_OK)
			return st;
		const char *p = io->in + io->off;
		size_t avail = io->len - io->off;
		const char *nl = memchr(p, '\n', avail);
		size_t n = nl ? (size_t)(nl - p) : avail;
		msg_add(msg, p, n, max, size_r);
		if (n)
			cr = p[n - 1] == '\r';
		io->off += n;
		bol = nl != NULL;
		if (nl) {
			/* a bare LF becomes CRLF, so the store sees one form */
			msg_add(msg, cr ? "\n" : "\r\n", cr ? 1 : 2, max, size_r);
			io->off++;
			cr = false;
		}
	}
}

enum lmtp_io_status lmtp_io_octets(struct lmtp_io *io, struct buf *msg,
				   unsigned long long n, size_t max,
				   int timeout_ms)
{
	size_t size = msg->len;
	while (n > 0) {
		if (io->off == io->len) {
			enum lmtp_io_status st = io_fill(io, timeout_ms, false);
			if (st != LMTP_IO_OK)
				return st;
		}
		size_t avail = io->len - io->off;
		size_t take = n < avail ? (size_t)n : avail;
		if (size + take <= max)
			buf_append(msg, io->in + io->off, take);
		size += take;
		io->off += take;
		n -= take;
	}
	return LMTP_IO_OK;
}
