require "relational";
if header :count "bigger" "to" "2" { keep; }
