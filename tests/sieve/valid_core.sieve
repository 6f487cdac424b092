# Core RFC 5228 constructs, all valid.
require ["fileinto", "envelope", "copy", "reject"];
if anyof (header :contains "subject" "[list]",
          address :domain :is "from" "lists.example.org") {
	fileinto :copy "Lists";
} elsif allof (not exists "x-spam", size :under 100K) {
	keep;
} else {
	discard;
	stop;
}
/* bracket comment */
if envelope :localpart "from" "mailer-daemon" { reject text:
Sorry, no bounces here.
..Dot-stuffed line.
.
; }
