require ["encoded-character", "fileinto"];
fileinto "${unicode:DC00}";
