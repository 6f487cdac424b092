require "fileinto";
fileinto "never ends;
