# flags.sieve: IMAP flags and keywords (RFC 5232).  System flags become
# Maildir filename letters (\Seen S, \Flagged F, ...); keywords go through
# the folder's dovecot-keywords file, so Dovecot shows them as they are.
require ["fileinto", "imap4flags"];

if header :contains "subject" "urgent" {
	addflag "\\Flagged";
}
if header :contains "x-spam-flag" "yes" {
	fileinto :flags "\\Seen Junk $Label1" "Junk";
	stop;
}
keep;
