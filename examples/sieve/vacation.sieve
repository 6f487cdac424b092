# vacation.sieve: one auto-reply per sender per 7 days (RFC 5230); the
# message itself is still kept.
require ["vacation"];

vacation :days 7 :subject "Out of office"
	:addresses ["bob@example.org"]
	"I am away until Monday; your mail will be read then.";
