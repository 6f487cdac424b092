require "variables";
set :lower :upper "a" "b";
set "bad name" "x";
