/*
 * maildir_private.h: file helpers shared by maildir*.c (not for other
 * modules).  Each returns 0, or -1 with errno set.
 */
#ifndef SIREN_MAILDIR_PRIVATE_H
#define SIREN_MAILDIR_PRIVATE_H

#include <stddef.h>

#include "util.h"

/* Create path exclusively (0600), write data, fsync, close. */
int maildir_write_file(const char *path, const char *data, size_t len);
/* Read the whole file into out (appending). */
int maildir_read_file(const char *path, struct buf *out);
/* fsync a directory. */
int maildir_fsync_dir(const char *path);
/* Take a Dovecot-style dotlock: O_EXCL-create lockpath, waiting up to
 * MAILDIR_LOCK_WAIT seconds; a lock older than MAILDIR_LOCK_STALE seconds
 * is removed as stale.  Release with unlink(lockpath).  errno EAGAIN on
 * timeout. */
int maildir_dotlock(const char *lockpath);

#define MAILDIR_LOCK_WAIT 30
#define MAILDIR_LOCK_STALE 120

#endif
