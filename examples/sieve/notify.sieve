# notify.sieve: push a notification for mail from the boss (RFC 5435).
# The job goes to the durable outbox before the 250; the dispatcher sends
# it through the matching plugin (here: mailto).
require ["enotify", "fileinto"];

if address :is "from" "boss@example.com" {
	notify :importance "1" :message "Mail from the boss"
		"mailto:bob-pager@example.org";
}
keep;
