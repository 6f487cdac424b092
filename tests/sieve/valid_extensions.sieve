require ["variables", "relational", "comparator-i;ascii-numeric",
         "imap4flags", "regex", "subaddress", "encoded-character",
         "mailbox", "environment", "ihave", "fileinto"];
if header :matches "subject" "*[*]*" { set :lower :upperfirst "tag" "${2}"; }
if header :value "ge" :comparator "i;ascii-numeric" "x-spam-score" "5" {
	addflag "$Junk";
}
if header :regex "list-id" "<([a-z]+)\\." { fileinto :create "Lists/${1}"; }
if address :detail "to" "sieve" { fileinto "${hex:53 69}eve"; }
if environment "location" "MDA" { keep :flags "\\Seen"; }
if ihave "frobnicate" { frobnicate; }
