if header :is :contains "subject" "x" { keep; }
if header "subject" { keep; }
if size 100 { keep; }
redirect "not an address";
keep :flags "x";
