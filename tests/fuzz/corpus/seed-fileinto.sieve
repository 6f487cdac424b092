require ["fileinto", "variables"];
if header :matches "subject" "*report*" {
  fileinto "Reports/${1}";
}
