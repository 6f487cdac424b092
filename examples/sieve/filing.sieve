# filing.sieve: sort mail into folders (Maildir++ .Work.Reports etc.).
# "/" and "." both separate hierarchy levels; names may be any UTF-8
# (stored in modified UTF-7: "Envoyés" is .Envoy&AOk-s on disk).
require ["fileinto", "mailbox"];

if address :domain :is "from" "reports.example.com" {
	fileinto :create "Work/Reports";
	stop;
}
if header :contains "list-id" "<dev.lists.example.org>" {
	fileinto "Lists.dev";
	stop;
}
if header :contains "subject" "facture" {
	fileinto "Envoyés";
}
# everything else: implicit keep (INBOX)
