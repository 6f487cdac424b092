require ["regex", "comparator-i;ascii-numeric"];
if header :regex "subject" "([a-z]+" { keep; }
if header :regex :comparator "i;ascii-numeric" "subject" "1" { keep; }
