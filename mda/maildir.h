/*
 * maildir.h: durable delivery into a Maildir++ store exactly as Dovecot
 * reads it (folders, filename flags, dovecot-keywords, subscriptions).
 * Nothing here blocks on the network; every call may block on the disk.
 */
#ifndef SIREN_MAILDIR_H
#define SIREN_MAILDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "siren.h"
#include "util.h"

/* The message is written as the concatenation of these pieces (the
 * per-recipient headers, then the shared message), CRLF turned into LF. */
struct maildir_piece {
	const char *data;
	size_t len;
};

struct maildir_save {
	const char *root;	/* Maildir root = INBOX */
	const char *mailbox;	/* Sieve/IMAP name (UTF-8); NULL or "INBOX" */
	bool create;		/* create the folder when it does not exist */
	const char *const *flags; /* imap4flags: "\\Seen", "$Label1", ... */
	size_t nflags;
	const struct maildir_piece *pieces;
	size_t npieces;
	time_t arrival;		/* mtime = IMAP INTERNALDATE; 0: now */
};

struct maildir_error {
	int err;		/* errno of the failing call, 0 if none */
	char text[256];		/* what failed, for logs and reply text */
};

/*
 * Store one message.  Returns SIREN_OK once the file and its directory
 * are fsynced (*path_r, caller frees, is the final path when path_r is not
 * NULL); SIREN_TEMPFAIL on an I/O failure (no file is left in new/ or
 * cur/); SIREN_PERMFAIL when the mailbox name is refused or the folder
 * does not exist and create is false (the caller keeps in INBOX).
 * Keywords that fit no dovecot-keywords slot are dropped and logged.
 */
enum siren_status maildir_store(const struct maildir_save *s, char **path_r,
				struct maildir_error *err_r);

/*
 * Map a Sieve mailbox name to its Maildir++ directory name relative to the
 * root: "" for INBOX, ".Work.Reports" for "Work/Reports" or
 * "Work.Reports", components in modified UTF-7.  Returns 0, or -1 with
 * *error_r (static text) for a hostile or invalid name.
 */
int maildir_folder_name(const char *mailbox, struct buf *out,
			const char **error_r);

/* RFC 3501 5.1.3 modified UTF-7 of one UTF-8 string.  Returns 0, or -1
 * for invalid UTF-8 (out then holds garbage). */
int maildir_mutf7_encode(const char *utf8, struct buf *out);

/* Create dir/{cur,new,tmp} (mode 0700) and, for a folder, the
 * maildirfolder marker; fsyncs the parents of what it creates.  Returns 0
 * or -1 with errno set. */
int maildir_create(const char *dir, bool folder);

/* Add the mailbox to root/subscriptions (locked, no duplicates).
 * Returns 0 or -1 with errno set. */
int maildir_subscribe(const char *root, const char *mailbox);

/* The letter ('a'..'z') of keyword in dir/dovecot-keywords, adding it
 * under the dovecot-uidlist.lock dotlock when missing.  Returns the
 * letter, 0 when no slot is free or the keyword is invalid, -1 on I/O
 * failure (errno set). */
int maildir_keyword_letter(const char *dir, const char *keyword);

/* The ":2," flag letters for flags in dir (system letters then keyword
 * letters, ASCII order, no duplicates).  Returns 0 or -1 on I/O failure. */
int maildir_flag_letters(const char *dir, const char *const *flags,
			 size_t nflags, struct buf *out);

/* A new unique base name `<secs>.M<usec>P<pid>Q<n>.<host>`. Caller frees. */
char *maildir_unique_name(void);

#endif
