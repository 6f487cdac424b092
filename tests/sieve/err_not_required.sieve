fileinto "Work";
if envelope "from" "x@y.z" { keep; }
